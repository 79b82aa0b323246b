using System.Buffers.Binary;
using System.Text;

namespace ChatDaemon.Chat;

/// <summary>
/// The binary form of <see cref="MemberState"/>, explicit and versioned so that a process can adopt what an
/// older or newer build wrote, or refuse it with a clear reason instead of guessing:
/// <code>
/// "CDMS"                 magic (4 bytes)
/// version                u16 little-endian (this build reads 1 and 2; writes 1 unless there are attributes,
///                        so that a state without them stays readable by a build that reads only 1)
/// length                 u32 little-endian: bytes of the body that follows
/// body (version 1):
///   protocol, nick       string: u16 byte count, then UTF-8
///   rooms                u16 count, then that many strings
///   unsent output        u32 byte count, then the bytes
///   pending input        u32 byte count, then the bytes
///   input flags          u8: bit 0 set while the rest of an over-long line is being skipped; other bits
///                        are refused (a flag changes how the pending input is read, so it cannot be ignored)
///   rate tokens          f64 little-endian (NaN: a full bucket)
///   counters             u16 count, then (u16 id, i64 value) pairs: 1 lines sent, 2 lines too long;
///                        ids a reader does not know are skipped, so a counter can be added without a new version
/// version 2 adds, after the counters:
///   attributes           u16 count, then (name, value) string pairs
/// </code>
/// A blob that is cut short, has bytes after its body, or whose lengths point past it is rejected.
/// </summary>
public static class MemberStateCodec
{
    /// <summary>The newest version this build reads and writes.</summary>
    public const ushort Version = 2;

    private const ushort VersionWithoutAttributes = 1;

    /// <summary>The most bytes of output or input a state may carry (the transport's buffers are far smaller).</summary>
    public const int MaxBufferBytes = 16 * 1024 * 1024;

    private const int HeaderBytes = 10;
    private const ushort LinesSentCounter = 1;
    private const ushort LinesTooLongCounter = 2;
    private const byte SkippingLongLineFlag = 1;

    private static ReadOnlySpan<byte> Magic => "CDMS"u8;

    public static byte[] Encode(MemberState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Rooms.Count > ushort.MaxValue)
        {
            throw new ArgumentException($"a member state holds at most {ushort.MaxValue} rooms", nameof(state));
        }

        if (state.UnsentOutput.Length > MaxBufferBytes || state.PendingInput.Length > MaxBufferBytes)
        {
            throw new ArgumentException($"a member state holds at most {MaxBufferBytes} bytes of output and of input", nameof(state));
        }

        var body = new List<byte>(64 + state.UnsentOutput.Length + state.PendingInput.Length);
        WriteString(body, state.Protocol);
        WriteString(body, state.Nick);
        WriteU16(body, (ushort)state.Rooms.Count);
        foreach (string room in state.Rooms)
        {
            WriteString(body, room);
        }

        WriteBytes(body, state.UnsentOutput);
        WriteBytes(body, state.PendingInput);
        body.Add(state.SkippingLongLine ? SkippingLongLineFlag : (byte)0);
        Span<byte> f64 = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(f64, state.RateTokens);
        body.AddRange(f64);
        WriteU16(body, 2);
        WriteCounter(body, LinesSentCounter, state.LinesSent);
        WriteCounter(body, LinesTooLongCounter, state.LinesTooLong);
        ushort version = VersionWithoutAttributes;
        if (state.Attributes.Count > 0)
        {
            if (state.Attributes.Count > ushort.MaxValue)
            {
                throw new ArgumentException($"a member state holds at most {ushort.MaxValue} attributes", nameof(state));
            }

            version = Version;
            WriteU16(body, (ushort)state.Attributes.Count);
            foreach (var (name, value) in state.Attributes)
            {
                WriteString(body, name);
                WriteString(body, value);
            }
        }

        var blob = new byte[HeaderBytes + body.Count];
        Magic.CopyTo(blob);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), version);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(6), (uint)body.Count);
        body.CopyTo(blob, HeaderBytes);
        return blob;
    }

    /// <summary>Reads a state written by <see cref="Encode"/>; throws <see cref="MemberStateFormatException"/> saying what is wrong.</summary>
    public static MemberState Decode(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderBytes)
        {
            throw new MemberStateFormatException(blob.Length >= 4 && !blob[..4].SequenceEqual(Magic)
                ? "not a ChatDaemon member state (no CDMS magic)"
                : $"member state truncated: {blob.Length} bytes, less than its {HeaderBytes}-byte header");
        }

        if (!blob[..4].SequenceEqual(Magic))
        {
            throw new MemberStateFormatException("not a ChatDaemon member state (no CDMS magic)");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(blob[4..]);
        if (version is not (VersionWithoutAttributes or Version))
        {
            throw new MemberStateFormatException($"member state version {version} is not supported (this build reads versions {VersionWithoutAttributes} and {Version})");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(blob[6..]);
        var body = blob[HeaderBytes..];
        if (body.Length < length)
        {
            throw new MemberStateFormatException($"member state truncated: its header announces {length} bytes of body, {body.Length} are there");
        }

        if (body.Length > length)
        {
            throw new MemberStateFormatException($"member state has {body.Length - length} bytes after its end");
        }

        var reader = new Reader(body);
        string protocol = reader.String("protocol");
        string nick = reader.String("nick");
        int roomCount = reader.U16("room count");
        var rooms = new string[roomCount];
        for (int i = 0; i < roomCount; i++)
        {
            rooms[i] = reader.String("room name");
        }

        byte[] unsent = reader.Bytes("unsent output");
        byte[] pending = reader.Bytes("pending input");
        byte inputFlags = reader.U8("input flags");
        if ((inputFlags & ~SkippingLongLineFlag) != 0)
        {
            throw new MemberStateFormatException($"member state has unknown input flags 0x{inputFlags:x2}");
        }

        double tokens = reader.F64("rate tokens");
        long linesSent = 0;
        long linesTooLong = 0;
        int counters = reader.U16("counter count");
        for (int i = 0; i < counters; i++)
        {
            ushort id = reader.U16("counter id");
            long value = reader.I64("counter value");
            switch (id)
            {
                case LinesSentCounter:
                    linesSent = value;
                    break;
                case LinesTooLongCounter:
                    linesTooLong = value;
                    break;
            }
        }

        var attributes = new Dictionary<string, string>();
        if (version >= Version)
        {
            int count = reader.U16("attribute count");
            for (int i = 0; i < count; i++)
            {
                string name = reader.String("attribute name");
                attributes[name] = reader.String("attribute value");
            }
        }

        reader.EnsureEnd();
        return new MemberState
        {
            Protocol = protocol,
            Nick = nick,
            Rooms = rooms,
            UnsentOutput = unsent,
            PendingInput = pending,
            SkippingLongLine = (inputFlags & SkippingLongLineFlag) != 0,
            RateTokens = tokens,
            LinesSent = linesSent,
            LinesTooLong = linesTooLong,
            Attributes = attributes,
        };
    }

    private static void WriteU16(List<byte> to, ushort value)
    {
        to.Add((byte)value);
        to.Add((byte)(value >> 8));
    }

    private static void WriteString(List<byte> to, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"a name in a member state is at most {ushort.MaxValue} bytes");
        }

        WriteU16(to, (ushort)bytes.Length);
        to.AddRange(bytes);
    }

    private static void WriteBytes(List<byte> to, byte[] bytes)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)bytes.Length);
        to.AddRange(u32);
        to.AddRange(bytes);
    }

    private static void WriteCounter(List<byte> to, ushort id, long value)
    {
        WriteU16(to, id);
        Span<byte> i64 = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(i64, value);
        to.AddRange(i64);
    }

    /// <summary>Reads the body front to back; every read names its field, so an error says where the blob ends.</summary>
    private ref struct Reader(ReadOnlySpan<byte> body)
    {
        private readonly ReadOnlySpan<byte> _body = body;
        private int _at;

        public byte U8(string field) => Take(1, field)[0];

        public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

        public long I64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));

        public double F64(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field));

        public string String(string field)
        {
            int length = U16(field);
            var bytes = Take(length, field);
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new MemberStateFormatException($"member state's {field} is not valid UTF-8");
            }
        }

        public byte[] Bytes(string field)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));
            if (length > MaxBufferBytes)
            {
                throw new MemberStateFormatException($"member state's {field} announces {length} bytes, over the {MaxBufferBytes} allowed");
            }

            return Take((int)length, field).ToArray();
        }

        public readonly void EnsureEnd()
        {
            if (_at != _body.Length)
            {
                throw new MemberStateFormatException($"member state has {_body.Length - _at} bytes after its last field");
            }
        }

        private ReadOnlySpan<byte> Take(int count, string field)
        {
            if (_body.Length - _at < count)
            {
                throw new MemberStateFormatException($"member state truncated in its {field}: {count} bytes needed at offset {HeaderBytes + _at}, {_body.Length - _at} left");
            }

            var span = _body.Slice(_at, count);
            _at += count;
            return span;
        }
    }
}
