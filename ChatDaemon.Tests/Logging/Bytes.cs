using Xunit;
using System.Buffers.Binary;
using System.Text;

namespace ChatDaemon.Tests.Logging;

// Builds expected byte strings and shows byte mismatches readably.
internal static class Bytes
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] LittleEndian64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    // Escapes non-printable bytes so an assertion failure shows where bytes differ.
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes)
        {
            builder.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? (char)b : $"\\x{b:X2}");
        }

        return builder.ToString();
    }

    public static void Equal(byte[] expected, ReadOnlySpan<byte> actual) =>
        Assert.Equal(Show(expected), Show(actual));
}
