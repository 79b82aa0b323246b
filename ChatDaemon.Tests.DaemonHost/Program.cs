using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatDaemon.Configuration;
using ChatDaemon.Daemon;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Options (besides the daemon ones): --port N (TCP port to bind on 127.0.0.1, 0 = any),
// --reload-file PATH (reload applies when the file says "ok", else is rejected with its content),
// --fail-start MESSAGE (StartAsync throws).
var daemon = DaemonCommandLine.Parse(args);
if (await DaemonEntryPoint.TryHandleAsync(daemon) is { } handled)
    return handled;

DaemonSession session;
try
{
    session = DaemonSession.Start(daemon);
}
catch (DaemonStartupException e)
{
    Console.Error.WriteLine($"testhost: {e.Message}");
    return e.ExitCode;
}

using (session)
{
    var builder = Host.CreateApplicationBuilder(daemon.HostArguments);
    builder.Services.AddDaemonSession(session);
    builder.Services.AddSingleton<IConfigurationReloader>(new FileReloader(builder.Configuration["reload-file"]));
    builder.Services.AddHostedService(_ => new GreetingListener(
        int.Parse(builder.Configuration["port"] ?? "0"), builder.Configuration["fail-start"]));
    using var host = builder.Build();
    try
    {
        await host.RunAsync();
        return 0;
    }
    catch (Exception e)
    {
        session.ReportStartupFailure(e);
        Console.Error.WriteLine($"testhost: {e.Message}");
        return e is DaemonStartupException d ? d.ExitCode : 1;
    }
}

internal sealed class FileReloader(string? path) : IConfigurationReloader
{
    public async Task<ReloadOutcome> ReloadAsync(CancellationToken cancellationToken)
    {
        var text = path is null ? "no reload file" : (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        return text == "ok" ? ReloadOutcome.Success : ReloadOutcome.Rejected(text);
    }
}

/// <summary>Binds in StartAsync (like the real server) and greets each client with its pid and uid.</summary>
internal sealed class GreetingListener(int port, string? failure) : IHostedService
{
    private TcpListener? _listener;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (failure is not null)
            throw new InvalidOperationException(failure);
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _ = AcceptAsync(_listener);
        return Task.CompletedTask;
    }

    private static async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync();
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"hello {Environment.ProcessId}\n"));
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Stop();
        return Task.CompletedTask;
    }
}
