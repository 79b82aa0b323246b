using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatDaemon.Tests.TestSupport;

/// <summary>
/// A real redis-server of the test's own, in the foreground on a loopback port the OS chose, persisting nothing;
/// killed on dispose (or earlier by <see cref="Kill"/>), so a failing test leaves no server behind. CI installs
/// redis-server (.ci/run); without it the tests fail rather than skip.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string[] _arguments;
    private Process _process;

    private RedisServer(Process process, int port, string[] arguments)
    {
        _process = process;
        Port = port;
        _arguments = arguments;
    }

    /// <summary>The plain port (tests query through it; <see cref="TlsPort"/> is the other, when asked for).</summary>
    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Started with <paramref name="arguments"/> added to redis-server's own (a TLS port, say); the plain port is always there.</summary>
    public static async Task<RedisServer> StartAsync(params string[] arguments)
    {
        // redis-server cannot report a port it chose itself (port 0 turns TCP off): the OS picks a free one for a
        // socket of ours, which is closed and handed over; another process may take it meanwhile, so try again.
        for (int attempt = 1; ; attempt++)
        {
            int port = FreeLoopbackPort();
            var server = new RedisServer(Launch(port, arguments), port, arguments);
            if (await server.WaitUntilAnswersAsync(TimeSpan.FromSeconds(10)))
            {
                return server;
            }

            server.Dispose();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not answer on 127.0.0.1:{port}");
            }
        }
    }

    /// <summary>After <see cref="Kill"/>: the broker is back on the same port (empty: it persists nothing).</summary>
    public async Task RestartAsync()
    {
        Kill();
        _process.Dispose();
        _process = Launch(Port, _arguments);
        if (!await WaitUntilAnswersAsync(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException($"redis-server did not come back on 127.0.0.1:{Port}");
        }
    }

    /// <summary>A free loopback port for a second listener (a TLS port).</summary>
    public static int FreePort() => FreeLoopbackPort();

    private static Process Launch(int port, string[] arguments)
    {
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (CI installs it: .ci/run)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Sends one inline command and returns the reply's text (a bulk string's content, a status line's text).</summary>
    public async Task<string> QueryAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var reader = new StreamReader(stream, Encoding.UTF8);
        string first = await reader.ReadLineAsync() ?? "";
        if (!first.StartsWith('$'))
        {
            return first;
        }

        int length = int.Parse(first.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        if (length < 0)
        {
            return ""; // $-1: no such key
        }

        var buffer = new char[length];
        int read = 0;
        while (read < length)
        {
            int n = await reader.ReadAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return new string(buffer, 0, read);
    }

    /// <summary>A numeric field of INFO, e.g. total_connections_received.</summary>
    public async Task<long> InfoFieldAsync(string section, string field)
    {
        string info = await QueryAsync("INFO " + section);
        string line = info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.AsSpan(field.Length + 1), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL: the broker is gone at once, as in a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task<bool> WaitUntilAnswersAsync(TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < patience && !_process.HasExited)
        {
            try
            {
                if (await QueryAsync("PING") == "+PONG")
                {
                    return true;
                }
            }
            catch (SocketException)
            {
            }

            await Task.Delay(20);
        }

        return false;
    }

    private static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
