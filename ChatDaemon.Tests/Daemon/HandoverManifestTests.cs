using System.Text;
using ChatDaemon.Configuration;
using ChatDaemon.Daemon;

namespace ChatDaemon.Tests.Daemon;

public sealed class HandoverManifestTests
{
    private static readonly HandoverManifest Sample = new(
        3, true, 7,
        [(8, "chat=127.0.0.1:2323"), (9, "echo=unix:/run/x.sock")],
        [(10, ListenerProtocol.Chat), (11, ListenerProtocol.Echo)],
        [1, 2, 3, 10, 13, 0]);

    [Fact]
    public void A_manifest_reads_back_as_written_state_bytes_included()
    {
        var read = HandoverManifest.Decode(Sample.Encode());

        Assert.Equal(3, read.Generation);
        Assert.True(read.Detached);
        Assert.Equal(7, read.PidFileDescriptor);
        Assert.Equal(Sample.Listeners, read.Listeners);
        Assert.Equal(Sample.Connections, read.Connections);
        Assert.Equal(Sample.State, read.State);
        Assert.Equal([8, 9, 10, 11, 7], read.Descriptors);
    }

    [Fact]
    public void A_manifest_without_optional_lines_and_state_reads_back()
    {
        var empty = new HandoverManifest(1, false, null, [], [], []);

        var read = HandoverManifest.Decode(empty.Encode());

        Assert.False(read.Detached);
        Assert.Null(read.PidFileDescriptor);
        Assert.Empty(read.Descriptors);
        Assert.Empty(read.State);
    }

    [Theory]
    [InlineData("chatdaemon-handover 2\nstate 0\n", "not 'chatdaemon-handover 1'")]
    [InlineData("chatdaemon-handover 1\ngeneration 1\n", "truncated")]
    [InlineData("chatdaemon-handover 1\nconnection 2 chat\nstate 0\n", "no descriptor above 2")]
    [InlineData("chatdaemon-handover 1\nconnection 12 gopher\nstate 0\n", "unknown line")]
    [InlineData("chatdaemon-handover 1\nstate 5\nabc", "announces 5 bytes of state but has 3")]
    [InlineData("chatdaemon-handover 1\nlistener 9\nstate 0\n", "unknown line")]
    public void A_damaged_manifest_is_refused_with_what_is_wrong(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => HandoverManifest.Decode(Encoding.UTF8.GetBytes(text)));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Every_truncation_of_a_manifest_is_refused_not_misread()
    {
        byte[] bytes = Sample.Encode();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => HandoverManifest.Decode(bytes.AsSpan(0, length)));
        }
    }
}
