using System.Globalization;
using ChatDaemon.Configuration;

namespace ChatDaemon.CommandLine;

/// <summary>
/// The parsed command line, for every way the program runs (foreground or under systemd, detached
/// with <c>--daemon</c>, and the control verbs):
/// <c>chatdaemon [VERB] [--config FILE] [--listen PROTOCOL=ENDPOINT]... [DAEMON OPTIONS] [--Section:Key=value]...</c>.
/// Options accept both <c>--name value</c> and <c>--name=value</c>; an option this class does not know
/// is a configuration key (<c>--Limits:MaxLineBytes=8192</c>).
/// </summary>
public sealed class CommandLineArguments
{
    /// <summary>Default PID file of a classic daemon (FHS 3.0 §3.15: /run holds PID files).</summary>
    public const string DefaultPidFilePath = "/run/chatdaemon.pid";

    /// <summary>umask(2) of a detached daemon unless --umask says otherwise: files it creates are not group/world writable.</summary>
    public const uint DefaultUmask = 0x12; // 022 octal

    /// <summary>Default bound on waiting for readiness, for a stop, or for a reload outcome.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private CommandLineArguments() { }

    public CommandVerb Verb { get; private init; } = CommandVerb.Run;

    /// <summary>True for the verbs that act on a running daemon: status, stop, reload, restart, upgrade.</summary>
    public bool IsControlVerb => Verb is CommandVerb.Status or CommandVerb.Stop or CommandVerb.Reload or CommandVerb.Restart or CommandVerb.Upgrade;

    /// <summary>--config as given, or null for the default file.</summary>
    public string? ConfigFile { get; private init; }

    /// <summary>Every --listen, in order; each was checked to parse as a listen endpoint.</summary>
    public IReadOnlyList<string> Listen { get; private init; } = [];

    /// <summary>The options left for the configuration, as the command-line configuration provider reads them.</summary>
    public IReadOnlyList<string> ConfigurationKeys { get; private init; } = [];

    /// <summary>--daemon: detach from the terminal (re-launch in a new session) and wait until ready.</summary>
    public bool Detach { get; private init; }

    /// <summary>--pid-file as given (absolute), or null when not given.</summary>
    public string? ExplicitPidFilePath { get; private init; }

    /// <summary>
    /// The PID file to use: the explicit one, else the default for --daemon and for the control verbs,
    /// else none (a foreground run, e.g. under systemd, needs no PID file).
    /// </summary>
    public string? PidFilePath => ExplicitPidFilePath ?? (Detach || IsControlVerb ? DefaultPidFilePath : null);

    public string? User { get; private init; }

    public string? Group { get; private init; }

    public uint Umask { get; private init; } = DefaultUmask;

    /// <summary>--control-socket as given (absolute), or null to use the default location.</summary>
    public string? ControlSocketPath { get; private init; }

    public TimeSpan Timeout { get; private init; } = DefaultTimeout;

    /// <summary>
    /// The arguments as typed, without a leading control verb: what --daemon re-launches with, and what
    /// restart starts a stopped daemon with.
    /// </summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    public ConfigurationInputs ToConfigurationInputs() => new(
        ConfigFile ?? ConfigurationInputs.DefaultConfigFile,
        ConfigFile is not null,
        Listen,
        ConfigurationKeys);

    /// <summary>Parses <paramref name="args"/>; throws <see cref="UsageException"/> with a one-line reason.</summary>
    public static CommandLineArguments Parse(IReadOnlyList<string> args)
    {
        var verb = CommandVerb.Run;
        int start = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            verb = ParseVerb(args[0]);
            start = 1;
        }

        bool controlVerb = verb is CommandVerb.Status or CommandVerb.Stop or CommandVerb.Reload or CommandVerb.Restart or CommandVerb.Upgrade;
        string? configFile = null, pidFile = null, user = null, group = null, controlSocket = null;
        bool detach = false;
        uint umask = DefaultUmask;
        var timeout = DefaultTimeout;
        var listen = new List<string>();
        var keys = new List<string>();

        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inlineValue = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }

            switch (name)
            {
                case "-h" or "--help":
                    verb = CommandVerb.Help;
                    break;
                case "-V" or "--version":
                    verb = CommandVerb.Version;
                    break;
                case "--daemon" when inlineValue is null:
                    detach = true;
                    break;
                case "-c" or "--config":
                    configFile = inlineValue ?? ValueOf(args, ref i, name);
                    break;
                case "-l" or "--listen":
                    string text = inlineValue ?? ValueOf(args, ref i, name);
                    if (!ListenEndpoint.TryParse(text, out _, out string error))
                    {
                        throw new UsageException($"--listen {error}");
                    }

                    listen.Add(text);
                    break;
                case "--pid-file":
                    pidFile = Path.GetFullPath(NonEmpty(inlineValue ?? ValueOf(args, ref i, name), name));
                    break;
                case "--control-socket":
                    controlSocket = Path.GetFullPath(NonEmpty(inlineValue ?? ValueOf(args, ref i, name), name));
                    break;
                case "--user":
                    user = NonEmpty(inlineValue ?? ValueOf(args, ref i, name), name);
                    break;
                case "--group":
                    group = NonEmpty(inlineValue ?? ValueOf(args, ref i, name), name);
                    break;
                case "--umask":
                    string mode = NonEmpty(inlineValue ?? ValueOf(args, ref i, name), name);
                    if (!TryParseOctal(mode, out umask) || umask > 0x1FF)
                    {
                        throw new UsageException($"--umask must be an octal mode between 000 and 777, not '{mode}'");
                    }

                    break;
                case "--timeout":
                    string seconds = NonEmpty(inlineValue ?? ValueOf(args, ref i, name), name);
                    if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                        || value <= 0 || value > 86400)
                    {
                        throw new UsageException($"--timeout must be a number of seconds between 0 and 86400, not '{seconds}'");
                    }

                    timeout = TimeSpan.FromSeconds(value);
                    break;
                default:
                    if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                    {
                        throw new UsageException($"unexpected argument '{arg}'");
                    }

                    // A configuration key: --Section:Key=value or --Section:Key value.
                    keys.Add(arg);
                    if (inlineValue is null)
                    {
                        keys.Add(ValueOf(args, ref i, name));
                    }

                    break;
            }
        }

        if (group is not null && user is null)
        {
            throw new UsageException("--group needs --user");
        }

        if (detach && controlVerb)
        {
            throw new UsageException($"--daemon cannot be combined with '{args[0]}'");
        }

        return new CommandLineArguments
        {
            Verb = verb,
            ConfigFile = configFile,
            Listen = listen,
            ConfigurationKeys = keys,
            Detach = detach,
            ExplicitPidFilePath = pidFile,
            User = user,
            Group = group,
            Umask = umask,
            ControlSocketPath = controlSocket,
            Timeout = timeout,

            // "run" stays: re-launching with it means the same; a control verb would not.
            Arguments = args.Skip(controlVerb ? 1 : 0).ToArray(),
        };
    }

    private static CommandVerb ParseVerb(string word) => word switch
    {
        "run" => CommandVerb.Run,
        "check-config" => CommandVerb.CheckConfig,
        "status" => CommandVerb.Status,
        "stop" => CommandVerb.Stop,
        "reload" => CommandVerb.Reload,
        "restart" => CommandVerb.Restart,
        "upgrade" => CommandVerb.Upgrade,
        "help" => CommandVerb.Help,
        "version" => CommandVerb.Version,
        _ => throw new UsageException($"unknown command '{word}'"),
    };

    private static string ValueOf(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count)
        {
            throw new UsageException($"{name} needs a value");
        }

        return args[++i];
    }

    private static string NonEmpty(string value, string name) =>
        value.Length > 0 ? value : throw new UsageException($"{name} needs a value");

    private static bool TryParseOctal(string text, out uint value)
    {
        value = 0;
        if (text.Length is 0 or > 4)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            value = value * 8 + (uint)(c - '0');
        }

        return true;
    }

    public const string Usage = """
        usage: chatdaemon [run] [OPTIONS]          run the server in the foreground
               chatdaemon check-config [OPTIONS]   validate the configuration and exit (0 valid, 78 invalid)
               chatdaemon reload                   make the running daemon reload its configuration and wait for the outcome
               chatdaemon --daemon [DAEMON OPTIONS] [OPTIONS]
                                                   detach; exit 0 once serving, else print why and fail
               chatdaemon status|stop|restart|upgrade [--pid-file PATH] [--timeout S]
                                                   control a detached daemon (LSB exit codes); restart
                                                   re-executes the running program and upgrade the one
                                                   installed at its path now, both keeping every client
               chatdaemon --help | --version

        options:
          -c, --config FILE              JSON configuration (default /etc/chatdaemon/chatdaemon.json, optional)
          -l, --listen PROTOCOL=ENDPOINT listen for chat, irc or echo on HOST:PORT, [IPv6]:PORT or unix:/path;
                                         repeatable; replaces the configured list
                                         (default chat=127.0.0.1:2323 echo=127.0.0.1:2307)
          --Section:Key=VALUE            any configuration key, e.g. --Limits:LinesPerSecond=0

        daemon options:
          --pid-file PATH                PID file and single-instance lock (default /run/chatdaemon.pid
                                         with --daemon and the control commands)
          --user USER [--group GROUP]    drop root privileges once every listener is bound
          --umask OCTAL                  umask of the detached daemon (default 022)
          --control-socket PATH          socket of reload/status (default $RUNTIME_DIRECTORY/control.sock,
                                         else the PID file's name with .ctl)
          --timeout SECONDS              bound on waiting for readiness, stop and reload (default 30)
        environment: CHATDAEMON_Section__Key=VALUE sets a configuration key.
        signals: SIGHUP reloads; SIGTERM, SIGINT and SIGUSR1 stop gracefully.
        """;
}
