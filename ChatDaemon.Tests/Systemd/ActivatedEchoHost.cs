using System.Net.Sockets;
using ChatDaemon.Systemd;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ChatDaemon.Interop;

namespace ChatDaemon.Tests.Systemd;

/// <summary>
/// A minimal socket-activated service used as a child process by the tests: the Systemd module's
/// AddSystemdService(), and an echo server on every passed socket, adopted the way Networking does it
/// (Kestrel's SocketTransportFactory with a FileHandleEndPoint). It knows nothing of chat.
/// On start it prints one line per adopted socket for the test to check:
/// <c>adopted fd=3 name=echo family=InterNetwork cloexec=True LISTEN_FDS=unset</c>.
/// </summary>
internal static class ActivatedEchoHost
{
    public const string Mode = "activated-echo";

    public static async Task<int> RunAsync(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            DisableDefaults = true,
        });
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
        builder.Services.AddSystemdService();
        builder.Services.AddSingleton<IConnectionListenerFactory>(provider => new SocketTransportFactory(
            Options.Create(new SocketTransportOptions()), provider.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService<EchoService>();

        using IHost host = builder.Build();
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (SystemdSocketActivationException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return 1;
        }
    }

    private sealed class EchoService(
        ISystemdSocketActivation activation,
        IConnectionListenerFactory listenerFactory,
        ISystemdNotifier notifier) : IHostedService
    {
        private readonly CancellationTokenSource _stopping = new();
        private readonly List<IConnectionListener> _listeners = [];
        private readonly List<Task> _loops = [];
        private int _served;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (activation.Sockets.Count == 0)
            {
                throw new SystemdSocketActivationException("no sockets were passed (LISTEN_FDS)");
            }

            foreach (SystemdListenSocket socket in activation.Sockets)
            {
                var endPoint = new FileHandleEndPoint((ulong)socket.FileDescriptor, FileHandleType.Auto);
                IConnectionListener listener = await listenerFactory.BindAsync(endPoint, cancellationToken);
                bool closeOnExec = (LibC.fcntl(socket.FileDescriptor, LibC.F_GETFD, 0) & LibC.FD_CLOEXEC) != 0;
                Console.Out.WriteLine(
                    $"adopted fd={socket.FileDescriptor} name={socket.Name} family={socket.AddressFamily} " +
                    $"cloexec={closeOnExec} LISTEN_FDS={Environment.GetEnvironmentVariable("LISTEN_FDS") ?? "unset"}");
                Console.Out.Flush();
                _listeners.Add(listener);
                _loops.Add(AcceptLoopAsync(listener));
            }
        }

        private async Task AcceptLoopAsync(IConnectionListener listener)
        {
            while (await listener.AcceptAsync(_stopping.Token) is ConnectionContext connection)
            {
                _ = EchoAsync(connection);
            }
        }

        private async Task EchoAsync(ConnectionContext connection)
        {
            await using (connection)
            {
                int served = Interlocked.Increment(ref _served);
                notifier.Notify(ServiceState.Status($"{served} connection(s) served"));
                try
                {
                    await connection.Transport.Input.CopyToAsync(connection.Transport.Output, _stopping.Token);
                }
                catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ConnectionResetException)
                {
                    // Client went away or we are stopping.
                }
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (IConnectionListener listener in _listeners)
            {
                await listener.UnbindAsync(cancellationToken);
            }

            await _stopping.CancelAsync();
            await Task.WhenAll(_loops).ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (IConnectionListener listener in _listeners)
            {
                await listener.DisposeAsync();
            }
        }
    }
}
