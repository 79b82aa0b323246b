using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ChatDaemon.Tests.Logging;

// A real rsyslogd (Debian's rsyslog package) listening with imudp and imtcp on loopback ports the
// OS picked, writing every message through a template of rsyslog's own properties into a file.
// The process is always killed: on dispose, on a failed start, and before a restart.
public sealed class RsyslogFixture : IDisposable
{
    public const string Separator = " | ";

    private const string RsyslogPath = "/usr/sbin/rsyslogd";

    private readonly string _directory;
    private readonly string _configPath;
    private readonly string _pidPath;
    private Process? _process;

    public RsyslogFixture()
    {
        if (!File.Exists(RsyslogPath))
        {
            throw new InvalidOperationException(
                $"{RsyslogPath} not found: the rsyslog integration tests need Debian's rsyslog package " +
                "(apt-get install -y rsyslog; .ci/run installs it).");
        }

        _directory = Directory.CreateTempSubdirectory("rsyslog-test").FullName;
        _configPath = Path.Combine(_directory, "rsyslog.conf");
        _pidPath = Path.Combine(_directory, "rsyslogd.pid");
        OutputPath = Path.Combine(_directory, "messages.log");
        UdpPort = FreePort(SocketType.Dgram, ProtocolType.Udp);
        TcpPort = FreePort(SocketType.Stream, ProtocolType.Tcp);
        File.WriteAllText(_configPath, $$"""
            global(workDirectory="{{_directory}}")
            module(load="imudp")
            module(load="imtcp")
            input(type="imudp" address="127.0.0.1" port="{{UdpPort}}")
            input(type="imtcp" address="127.0.0.1" port="{{TcpPort}}")
            template(name="fields" type="string"
                string="%syslogfacility-text%{{Separator}}%syslogseverity-text%{{Separator}}%app-name%{{Separator}}%procid%{{Separator}}%msgid%{{Separator}}%structured-data%{{Separator}}%msg%\n")
            action(type="omfile" file="{{OutputPath}}" template="fields")
            """);

        try
        {
            Start();
        }
        catch
        {
            Kill();
            Directory.Delete(_directory, recursive: true);
            throw;
        }
    }

    public int UdpPort { get; }

    public int TcpPort { get; }

    public string OutputPath { get; }

    public void Restart()
    {
        Kill();
        Start();
    }

    // Waits for an output line containing <paramref name="marker"/> and splits it into its fields.
    public async Task<string[]> WaitForLineAsync(string marker, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (File.Exists(OutputPath))
            {
                var line = File.ReadAllLines(OutputPath).FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line.Split(Separator);
                }
            }

            await Task.Delay(50);
        }

        var content = File.Exists(OutputPath) ? File.ReadAllText(OutputPath) : "(no output file)";
        throw new TimeoutException($"rsyslog wrote no line containing '{marker}' within {timeout}; output:\n{content}");
    }

    public void Dispose()
    {
        Kill();
        Directory.Delete(_directory, recursive: true);
    }

    private void Start()
    {
        File.Delete(_pidPath);
        var startInfo = new ProcessStartInfo(RsyslogPath)
        {
            ArgumentList = { "-n", "-f", _configPath, "-i", _pidPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("rsyslogd did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ready once the TCP input accepts connections (inputs start together).
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rsyslogd exited with {_process.ExitCode} at start");
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Connect(IPAddress.Loopback, TcpPort);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                Thread.Sleep(50);
            }
        }
    }

    private void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    private static int FreePort(SocketType socketType, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, socketType, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
