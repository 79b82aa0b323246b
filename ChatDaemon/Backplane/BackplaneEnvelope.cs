using System.Buffers.Binary;
using System.Text;
using ChatDaemon.Chat;

namespace ChatDaemon.Backplane;

/// <summary>
/// A <see cref="ChatMessage"/> as it crosses to other instances, with who sent it (the origin instance, so it
/// can drop its own echo) and its place in the origin's stream for the room (the sequence number, so a receiver
/// sees a gap). Broker-neutral: the Redis backplane uses it, a NATS one can too.
/// </summary>
/// <remarks>
/// Layout, little-endian: version (1 byte), kind (1), sequence (8), in version 2 an event number (8), then origin,
/// from, room, detail and user@host as UTF-8 strings with a 2-byte length, and the text with a 4-byte length.
/// Version 2 is only used for the shares of one event told in several rooms (the event number ties them
/// together), so an instance of the first version still reads everything else. A receiver refuses a newer
/// version rather than guessing at it.
/// </remarks>
public static class BackplaneEnvelope
{
    public const byte Version = 1;

    /// <summary>The version of a message that is one room's share of an event (it carries the event's number).</summary>
    public const byte EventVersion = 2;

    private const int HeaderBytes = 1 + 1 + 8;

    /// <summary>
    /// The message as it crosses; <paramref name="eventNumber"/> (not 0) when it is one room's share of an event
    /// told in several rooms, the same number in each share.
    /// </summary>
    public static byte[] Encode(string origin, long sequence, ChatMessage message, long eventNumber = 0)
    {
        int header = eventNumber == 0 ? HeaderBytes : HeaderBytes + 8;
        int size = header + StringSize(origin) + StringSize(message.From) + StringSize(message.Room)
            + StringSize(message.Detail) + StringSize(message.FromUserHost) + 4 + message.Text.Length;
        var bytes = new byte[size];
        bytes[0] = eventNumber == 0 ? Version : EventVersion;
        bytes[1] = (byte)message.Kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2), sequence);
        if (eventNumber != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(HeaderBytes), eventNumber);
        }

        int at = header;
        at = WriteString(bytes, at, origin);
        at = WriteString(bytes, at, message.From);
        at = WriteString(bytes, at, message.Room);
        at = WriteString(bytes, at, message.Detail);
        at = WriteString(bytes, at, message.FromUserHost);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), message.Text.Length);
        message.Text.Span.CopyTo(bytes.AsSpan(at + 4));
        return bytes;
    }

    /// <summary>False for anything that is not an envelope of this version (another application's message on a shared channel).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out string origin, out long sequence, out ChatMessage message) =>
        TryDecode(bytes, out origin, out sequence, out _, out message);

    /// <summary>As above, with the event number of a message that is one room's share of an event (0 for any other).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out string origin, out long sequence, out long eventNumber, out ChatMessage message)
    {
        origin = "";
        sequence = 0;
        eventNumber = 0;
        message = null!;
        var span = bytes.Span;
        if (span.Length < HeaderBytes || span[0] is not (Version or EventVersion) || span[1] > (byte)ChatMessageKind.Invited)
        {
            return false;
        }

        var kind = (ChatMessageKind)span[1];
        sequence = BinaryPrimitives.ReadInt64LittleEndian(span[2..]);
        int at = HeaderBytes;
        if (span[0] == EventVersion)
        {
            if (span.Length < HeaderBytes + 8)
            {
                return false;
            }

            eventNumber = BinaryPrimitives.ReadInt64LittleEndian(span[HeaderBytes..]);
            at += 8;
        }

        if (!TryReadString(span, ref at, out origin) || !TryReadString(span, ref at, out string from) || !TryReadString(span, ref at, out string room)
            || !TryReadString(span, ref at, out string detail) || !TryReadString(span, ref at, out string userHost) || span.Length - at < 4)
        {
            return false;
        }

        int textLength = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += 4;
        if (textLength < 0 || textLength != span.Length - at)
        {
            return false;
        }

        // Copied: the broker's buffer is not ours to keep.
        message = ChatMessage.FromParts(kind, from, room, span.Slice(at, textLength).ToArray(), detail, userHost);
        return true;
    }

    private static int StringSize(string text) => 2 + Encoding.UTF8.GetByteCount(text);

    private static int WriteString(byte[] bytes, int at, string text)
    {
        int length = Encoding.UTF8.GetBytes(text, bytes.AsSpan(at + 2));
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException("a name or reason is too long to cross", nameof(text));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)length);
        return at + 2 + length;
    }

    private static bool TryReadString(ReadOnlySpan<byte> span, ref int at, out string text)
    {
        text = "";
        if (span.Length - at < 2)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        at += 2;
        if (span.Length - at < length)
        {
            return false;
        }

        text = Encoding.UTF8.GetString(span.Slice(at, length));
        at += length;
        return true;
    }
}
