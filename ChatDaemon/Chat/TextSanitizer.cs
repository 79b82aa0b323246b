using System.Buffers;
using System.Text;

namespace ChatDaemon.Chat;

/// <summary>
/// Makes client text safe to show on other users' terminals: removes C0 controls except TAB
/// (this includes ESC, so no escape sequences), DEL and C1 controls (U+0080 to U+009F, which some
/// terminals treat as CSI and friends, ECMA-48 §5.3), and turns invalid UTF-8 into U+FFFD
/// (one per maximal invalid subsequence, as Unicode §3.9 recommends).
/// </summary>
public static class TextSanitizer
{
    private static ReadOnlySpan<byte> Replacement => [0xEF, 0xBF, 0xBD];

    /// <summary>An output buffer of this size always suffices for <paramref name="inputLength"/> bytes.</summary>
    public static int MaxOutputLength(int inputLength) => inputLength * 3;

    /// <summary>Writes the sanitised form of <paramref name="input"/> into <paramref name="output"/>; returns its length.</summary>
    public static int Sanitize(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int written = 0;
        int i = 0;
        while (i < input.Length)
        {
            byte b = input[i];
            if (b < 0x80)
            {
                if ((b >= 0x20 && b != 0x7F) || b == (byte)'\t')
                {
                    output[written++] = b;
                }

                i++;
                continue;
            }

            var status = Rune.DecodeFromUtf8(input[i..], out Rune rune, out int consumed);
            if (status == OperationStatus.Done)
            {
                if (rune.Value is < 0x80 or > 0x9F)
                {
                    input.Slice(i, consumed).CopyTo(output[written..]);
                    written += consumed;
                }
            }
            else
            {
                Replacement.CopyTo(output[written..]);
                written += Replacement.Length;
            }

            i += consumed;
        }

        return written;
    }

    /// <summary>Sanitises a line into a new array (for the less hot paths).</summary>
    public static byte[] Sanitize(in ReadOnlySequence<byte> input)
    {
        int length = checked((int)input.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(length + MaxOutputLength(length));
        try
        {
            Span<byte> source = rented.AsSpan(0, length);
            input.CopyTo(source);
            int n = Sanitize(source, rented.AsSpan(length));
            return rented.AsSpan(length, n).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>True if nothing but spaces and tabs is left.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;
}
