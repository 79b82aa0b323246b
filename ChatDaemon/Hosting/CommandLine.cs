using ChatDaemon.Configuration;

namespace ChatDaemon.Hosting;

/// <summary>
/// The parsed command line: <c>chatdaemon [VERB] [--config FILE] [--listen PROTOCOL=ENDPOINT]... [--Section:Key=value]...</c>.
/// Options this class does not know are passed on as configuration keys (<c>--Limits:MaxLineBytes=8192</c>).
/// </summary>
public sealed record CommandLine(
    CommandVerb Verb,
    string? ConfigFile,
    IReadOnlyList<string> Listen,
    IReadOnlyList<string> ConfigurationKeys,
    IReadOnlyList<string> Arguments)
{
    public ConfigurationInputs ToConfigurationInputs() => new(
        ConfigFile ?? ConfigurationInputs.DefaultConfigFile,
        ConfigFile is not null,
        Listen,
        ConfigurationKeys);

    /// <summary>Parses <paramref name="args"/>; throws <see cref="UsageException"/> with a one-line reason.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var verb = CommandVerb.Run;
        string? configFile = null;
        var listen = new List<string>();
        var keys = new List<string>();
        int i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            verb = args[0] switch
            {
                "run" => CommandVerb.Run,
                "check-config" => CommandVerb.CheckConfig,
                "reload" => CommandVerb.Reload,
                "status" => CommandVerb.Status,
                "stop" => CommandVerb.Stop,
                "restart" => CommandVerb.Restart,
                "help" => CommandVerb.Help,
                "version" => CommandVerb.Version,
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inlineValue = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
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
                default:
                    if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                    {
                        throw new UsageException($"unexpected argument '{arg}'");
                    }

                    // A configuration key: --Section:Key=value or --Section:Key value.
                    if (inlineValue is null)
                    {
                        keys.Add(arg);
                        keys.Add(ValueOf(args, ref i, name));
                    }
                    else
                    {
                        keys.Add(arg);
                    }

                    break;
            }
        }

        return new CommandLine(verb, configFile, listen, keys, args.ToList());
    }

    private static string ValueOf(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count)
        {
            throw new UsageException($"{name} needs a value");
        }

        return args[++i];
    }

    public const string Usage = """
        usage: chatdaemon [run] [OPTIONS]          run the server in the foreground
               chatdaemon check-config [OPTIONS]   validate the configuration and exit (0 valid, 78 invalid)
               chatdaemon reload                   make the running daemon reload its configuration and wait for the outcome
               chatdaemon --daemon [DAEMON OPTIONS] [OPTIONS]
                                                   detach; exit 0 once serving, else print why and fail
               chatdaemon status|stop|restart [--pid-file PATH] [--timeout S]
                                                   control a detached daemon (LSB exit codes)
               chatdaemon --help | --version

        options:
          -c, --config FILE              JSON configuration (default /etc/chatdaemon/chatdaemon.json, optional)
          -l, --listen PROTOCOL=ENDPOINT listen for chat or echo on HOST:PORT, [IPv6]:PORT or unix:/path;
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
