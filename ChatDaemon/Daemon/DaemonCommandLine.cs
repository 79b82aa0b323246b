using System.Globalization;

namespace ChatDaemon.Daemon;

/// <summary>
/// The daemon part of the command line:
/// <c>chatdaemon [status|stop|reload|restart] [--daemon] [--pid-file PATH] [--user USER [--group GROUP]]
/// [--umask OCTAL] [--control-socket PATH] [--timeout SECONDS] [host arguments...]</c>.
/// Options this class does not know are left in <see cref="HostArguments"/> for the host builder.
/// Options accept both <c>--name value</c> and <c>--name=value</c>.
/// </summary>
public sealed class DaemonCommandLine
{
    /// <summary>Default PID file of a classic daemon (FHS 3.0 §3.15: /run holds PID files).</summary>
    public const string DefaultPidFilePath = "/run/chatdaemon.pid";

    /// <summary>umask(2) of a detached daemon unless --umask says otherwise: files it creates are not group/world writable.</summary>
    public const uint DefaultUmask = 0x12; // 022 octal

    /// <summary>Default bound on waiting for readiness, for a stop, or for a reload outcome.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private DaemonCommandLine() { }

    public DaemonVerb Verb { get; private init; } = DaemonVerb.Run;

    /// <summary>--daemon: detach from the terminal (re-launch in a new session) and wait until ready.</summary>
    public bool Detach { get; private init; }

    /// <summary>--pid-file as given (absolute), or null when not given.</summary>
    public string? ExplicitPidFilePath { get; private init; }

    /// <summary>
    /// The PID file to use: the explicit one, else the default for --daemon and for the control verbs,
    /// else none (a foreground run, e.g. under systemd, needs no PID file).
    /// </summary>
    public string? PidFilePath =>
        ExplicitPidFilePath ?? (Detach || Verb != DaemonVerb.Run ? DefaultPidFilePath : null);

    public string? User { get; private init; }

    public string? Group { get; private init; }

    public uint Umask { get; private init; } = DefaultUmask;

    /// <summary>--control-socket as given (absolute), or null to use the default location (see ControlSocketPath).</summary>
    public string? ControlSocketPath { get; private init; }

    public TimeSpan Timeout { get; private init; } = DefaultTimeout;

    /// <summary>The arguments without the verb, as typed (restart of a stopped daemon starts with these).</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    /// <summary>The arguments this class does not own, for Host.CreateApplicationBuilder(args).</summary>
    public string[] HostArguments { get; private init; } = [];

    /// <summary>A usage error to print (exit <see cref="DaemonExitCode.Usage"/>), or null when the line is valid.</summary>
    public string? Error { get; private init; }

    public static DaemonCommandLine Parse(IReadOnlyList<string> args)
    {
        var verb = DaemonVerb.Run;
        var start = 0;
        if (args.Count > 0 && TryParseVerb(args[0], out var parsed))
        {
            verb = parsed;
            start = 1;
        }

        bool detach = false;
        string? pidFile = null, user = null, group = null, controlSocket = null;
        uint umask = DefaultUmask;
        var timeout = DefaultTimeout;
        var hostArgs = new List<string>();

        DaemonCommandLine Fail(string message) => new() { Verb = verb, Error = message };

        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg;
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            if (name == "--daemon" && inline is null)
            {
                detach = true;
                continue;
            }

            if (name is not ("--pid-file" or "--user" or "--group" or "--umask" or "--control-socket" or "--timeout"))
            {
                hostArgs.Add(arg);
                continue;
            }

            string value;
            if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                return Fail($"{name} needs a value");
            }

            if (value.Length == 0)
                return Fail($"{name} needs a value");

            switch (name)
            {
                case "--pid-file":
                    pidFile = Path.GetFullPath(value);
                    break;
                case "--control-socket":
                    controlSocket = Path.GetFullPath(value);
                    break;
                case "--user":
                    user = value;
                    break;
                case "--group":
                    group = value;
                    break;
                case "--umask":
                    if (!TryParseOctal(value, out umask) || umask > 0x1FF)
                        return Fail($"--umask must be an octal mode between 000 and 777, not '{value}'");
                    break;
                case "--timeout":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                        || seconds <= 0 || seconds > 86400)
                        return Fail($"--timeout must be a number of seconds between 0 and 86400, not '{value}'");
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
            }
        }

        if (group is not null && user is null)
            return Fail("--group needs --user");
        if (detach && verb != DaemonVerb.Run)
            return Fail($"--daemon cannot be combined with '{args[0]}'");

        return new DaemonCommandLine
        {
            Verb = verb,
            Detach = detach,
            ExplicitPidFilePath = pidFile,
            User = user,
            Group = group,
            Umask = umask,
            ControlSocketPath = controlSocket,
            Timeout = timeout,
            Arguments = args.Skip(start).ToArray(),
            HostArguments = hostArgs.ToArray(),
        };
    }

    private static bool TryParseVerb(string text, out DaemonVerb verb)
    {
        verb = text switch
        {
            "status" => DaemonVerb.Status,
            "stop" => DaemonVerb.Stop,
            "reload" => DaemonVerb.Reload,
            "restart" => DaemonVerb.Restart,
            _ => DaemonVerb.Run,
        };
        return verb != DaemonVerb.Run;
    }

    private static bool TryParseOctal(string text, out uint value)
    {
        value = 0;
        if (text.Length is 0 or > 4)
            return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '7')
                return false;
            value = value * 8 + (uint)(c - '0');
        }

        return true;
    }
}
