using System.Buffers.Binary;
using System.Text;

namespace ChatDaemon.Chat;

/// <summary>
/// The state of every member whose connection outlives the process, as one file (a memfd kept in systemd's
/// file descriptor store, or inherited across a re-exec): a header, then records appended as members change,
/// so that a change costs one small write and a crash between writes loses at most the record being written.
/// <code>
/// "CDSF"                 magic (4 bytes)
/// version                u16 little-endian (this build writes 1, reads 1)
/// records, each:
///   name                 u16 byte count, then ASCII: the name the member's connection is stored under
///   state length         u32 little-endian; 0 means the member left
///   state                a <see cref="MemberStateCodec"/> blob
/// </code>
/// The last record of a name wins. Reading never throws for what a record holds: a record that is cut short
/// (the process died while writing it) or whose state does not decode is reported in
/// <see cref="MemberStateFileContents.Problems"/> and its member restored as a new guest; only a file that is
/// not such a file at all (magic, version) is refused as a whole.
/// </summary>
public static class MemberStateFile
{
    public const ushort Version = 1;

    /// <summary>Bytes of the header, which a file starts with before any record.</summary>
    public const int HeaderBytes = 6;

    private static ReadOnlySpan<byte> Magic => "CDSF"u8;

    public static byte[] Header()
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), Version);
        return header;
    }

    /// <summary>The record saying that the member stored under <paramref name="name"/> is now <paramref name="state"/>, or gone (null).</summary>
    public static byte[] Record(string name, MemberState? state) => EncodedRecord(name, state is null ? [] : MemberStateCodec.Encode(state));

    /// <summary>The record for a state already in its binary form (<see cref="MemberStateCodec.Encode"/>); empty: the member left.</summary>
    public static byte[] EncodedRecord(string name, ReadOnlySpan<byte> blob)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[] nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length > ushort.MaxValue || Encoding.ASCII.GetString(nameBytes) != name)
        {
            throw new ArgumentException("a stored member's name is ASCII of at most 65535 bytes", nameof(name));
        }

        var record = new byte[2 + nameBytes.Length + 4 + blob.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(record, (ushort)nameBytes.Length);
        nameBytes.CopyTo(record, 2);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(2 + nameBytes.Length), (uint)blob.Length);
        blob.CopyTo(record.AsSpan(2 + nameBytes.Length + 4));
        return record;
    }

    /// <summary>A whole file at once: the header and one record per member (what a graceful stop writes).</summary>
    public static byte[] Write(IEnumerable<KeyValuePair<string, MemberState>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var file = new List<byte>(Header());
        foreach (var (name, state) in members)
        {
            file.AddRange(Record(name, state));
        }

        return [.. file];
    }

    /// <summary>A whole file of states already in their binary form, by name.</summary>
    public static byte[] WriteEncoded(IEnumerable<KeyValuePair<string, byte[]>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var file = new List<byte>(Header());
        foreach (var (name, blob) in members)
        {
            file.AddRange(EncodedRecord(name, blob));
        }

        return [.. file];
    }

    /// <summary>Reads a file; throws <see cref="MemberStateFormatException"/> only when it is not a member state file of this version.</summary>
    public static MemberStateFileContents Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderBytes || !file[..4].SequenceEqual(Magic))
        {
            throw new MemberStateFormatException(file.Length >= 4 && !file[..4].SequenceEqual(Magic)
                ? "not a ChatDaemon member state file (no CDSF magic)"
                : $"member state file truncated: {file.Length} bytes, less than its {HeaderBytes}-byte header");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(file[4..]);
        if (version != Version)
        {
            throw new MemberStateFormatException($"member state file version {version} is not supported (this build reads version {Version})");
        }

        var members = new Dictionary<string, MemberState>(StringComparer.Ordinal);
        var problems = new List<string>();
        int at = HeaderBytes;
        int index = 0;
        while (at < file.Length)
        {
            index++;
            var rest = file[at..];
            if (rest.Length < 2 || rest.Length < 2 + BinaryPrimitives.ReadUInt16LittleEndian(rest) + 4)
            {
                problems.Add($"record {index} at offset {at} is cut short ({rest.Length} bytes left): ignored");
                break;
            }

            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(rest);
            string name = Encoding.ASCII.GetString(rest.Slice(2, nameLength));
            uint stateLength = BinaryPrimitives.ReadUInt32LittleEndian(rest[(2 + nameLength)..]);
            int stateAt = 2 + nameLength + 4;
            if (stateLength > (uint)(rest.Length - stateAt))
            {
                problems.Add($"record {index} ({name}) at offset {at} announces {stateLength} bytes of state, {rest.Length - stateAt} are there: ignored");
                break;
            }

            at += stateAt + (int)stateLength;
            if (stateLength == 0)
            {
                members.Remove(name);
                continue;
            }

            try
            {
                members[name] = MemberStateCodec.Decode(rest.Slice(stateAt, (int)stateLength));
            }
            catch (MemberStateFormatException exception)
            {
                members.Remove(name);
                problems.Add($"record {index} ({name}): {exception.Message}");
            }
        }

        return new MemberStateFileContents(members, problems);
    }
}
