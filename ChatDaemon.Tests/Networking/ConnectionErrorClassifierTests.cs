using System.IO.Pipelines;
using System.Net.Sockets;
using ChatDaemon.Configuration;
using ChatDaemon.Networking;
using Microsoft.AspNetCore.Connections;

namespace ChatDaemon.Tests.Networking;

public class ConnectionErrorClassifierTests
{
    [Fact]
    public void An_abort_of_our_own_is_aborted() =>
        Assert.Equal(ConnectionErrorKind.Aborted, ConnectionErrorClassifier.Classify(new ConnectionAbortedException("SlowClient")));

    [Fact]
    public void A_cancelled_operation_is_aborted() =>
        Assert.Equal(ConnectionErrorKind.Aborted, ConnectionErrorClassifier.Classify(new OperationCanceledException()));

    [Fact]
    public void A_disposed_socket_is_aborted() =>
        Assert.Equal(ConnectionErrorKind.Aborted, ConnectionErrorClassifier.Classify(new ObjectDisposedException("socket")));

    [Fact]
    public void A_reset_reported_by_the_transport_is_a_reset() =>
        Assert.Equal(ConnectionErrorKind.Reset, ConnectionErrorClassifier.Classify(new ConnectionResetException("reset")));

    [Theory]
    [InlineData(SocketError.ConnectionReset)]
    [InlineData(SocketError.ConnectionAborted)]
    [InlineData(SocketError.Shutdown)]
    [InlineData(SocketError.TimedOut)]
    [InlineData(SocketError.NetworkReset)]
    [InlineData(SocketError.NetworkDown)]
    [InlineData(SocketError.HostUnreachable)]
    [InlineData(SocketError.NetworkUnreachable)]
    [InlineData(SocketError.OperationAborted)]
    public void A_socket_error_of_a_broken_connection_is_a_reset_bare_or_wrapped(SocketError error)
    {
        Assert.Equal(ConnectionErrorKind.Reset, ConnectionErrorClassifier.Classify(new SocketException((int)error)));
        Assert.Equal(ConnectionErrorKind.Reset, ConnectionErrorClassifier.Classify(new IOException("send failed", new SocketException((int)error))));
    }

    [Fact]
    public void An_io_error_without_a_cause_is_a_reset() =>
        Assert.Equal(ConnectionErrorKind.Reset, ConnectionErrorClassifier.Classify(new IOException("broken pipe")));

    [Theory]
    [InlineData(SocketError.AccessDenied)]
    [InlineData(SocketError.NoBufferSpaceAvailable)]
    public void Another_socket_error_is_unexpected(SocketError error)
    {
        Assert.Equal(ConnectionErrorKind.Unexpected, ConnectionErrorClassifier.Classify(new SocketException((int)error)));
        Assert.Equal(ConnectionErrorKind.Unexpected, ConnectionErrorClassifier.Classify(new IOException("recv failed", new SocketException((int)error))));
    }

    [Fact]
    public void An_invalid_operation_is_unexpected_whatever_its_text_says()
    {
        // The words of a message never decide: this is the text System.IO.Pipelines uses, and it is still a bug here.
        Assert.Equal(ConnectionErrorKind.Unexpected, ConnectionErrorClassifier.Classify(new InvalidOperationException("Writing is not allowed after writer was completed.")));
        Assert.Equal(ConnectionErrorKind.Unexpected, ConnectionErrorClassifier.Classify(new NullReferenceException()));
    }

    [Fact]
    public async Task A_send_racing_the_close_reports_closed_instead_of_the_pipes_exception()
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        var context = new DefaultConnectionContext("c1", new DuplexPipe(toServer.Reader, toClient.Writer), new DuplexPipe(toClient.Reader, toServer.Writer));
        var connection = new ClientConnection(context, ListenerProtocol.Chat);

        Assert.True(await connection.SendAsync("hello\r\n"u8.ToArray()));
        await connection.CloseAsync(ShutdownReason.ClientClosed);

        // The writer is completed now: a bare PipeWriter.WriteAsync would throw InvalidOperationException.
        Assert.False(await connection.SendAsync("late\r\n"u8.ToArray()));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
