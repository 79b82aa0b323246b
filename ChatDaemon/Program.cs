using ChatDaemon.CommandLine;
using ChatDaemon.Configuration;
using ChatDaemon.Daemon;
using ChatDaemon.Hosting;
using ChatDaemon.Networking;
using ChatDaemon.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

return await Entry.RunAsync(args);

internal static class Entry
{
    public static async Task<int> RunAsync(string[] args)
    {
        CommandLineArguments command;
        try
        {
            command = CommandLineArguments.Parse(args);
        }
        catch (UsageException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message + " (try --help)");
        }

        if (await DaemonEntryPoint.TryHandleAsync(command) is { } handled)
        {
            return handled; // status/stop/reload/restart, or the waiting parent of --daemon
        }

        switch (command.Verb)
        {
            case CommandVerb.Help:
                Console.Out.WriteLine(CommandLineArguments.Usage);
                return ExitCodes.Success;
            case CommandVerb.Version:
                Console.Out.WriteLine($"chatdaemon {ServerHost.Version}");
                return ExitCodes.Success;
            case CommandVerb.CheckConfig:
                return CheckConfig(command);
            case CommandVerb.Run:
                return await RunServerAsync(command);
            default:
                return Fail(ExitCodes.Usage, $"'{args[0]}' is not available in this build");
        }
    }

    private static int CheckConfig(CommandLineArguments command)
    {
        var inputs = command.ToConfigurationInputs();
        try
        {
            var snapshot = ConfigurationLoader.Load(inputs);
            using var host = ServerHost.CreateBuilder(inputs, snapshot).Build();
            var failures = Validate(host);
            if (failures.Count > 0)
            {
                return Fail(ExitCodes.Config, "invalid configuration: " + string.Join("; ", failures));
            }
        }
        catch (ConfigurationLoadException ex)
        {
            return Fail(ExitCodes.Config, ex.Message);
        }
        catch (OptionsValidationException ex)
        {
            return Fail(ExitCodes.Config, "invalid configuration: " + string.Join("; ", ex.Failures));
        }

        Console.Out.WriteLine($"chatdaemon: configuration {Path.GetFullPath(inputs.ConfigFile)} is valid" + (File.Exists(inputs.ConfigFile) ? "" : " (file absent: defaults)"));
        return ExitCodes.Success;
    }

    private static async Task<int> RunServerAsync(CommandLineArguments command)
    {
        DaemonSession session;
        try
        {
            session = DaemonSession.Start(command); // detached child: setsid, chdir /; PID file
        }
        catch (StartupException ex)
        {
            return Fail(ex.ExitCode, ex.Message);
        }

        using (session)
        {
            return await RunServerAsync(command, session);
        }
    }

    private static async Task<int> RunServerAsync(CommandLineArguments command, DaemonSession session)
    {
        var inputs = command.ToConfigurationInputs();
        // The detached child runs in "/": a relative --config means the operator's directory.
        inputs = inputs with { ConfigFile = Path.GetFullPath(inputs.ConfigFile, session.OriginalDirectory) };
        if (session.IsDetached)
        {
            // A detached daemon's stderr is /dev/null: unless configured otherwise, log to the local
            // syslog (/dev/log), where classic daemons log (syslog(3), daemon(7) "SysV Daemons").
            inputs = inputs with { RunDefaults = new Dictionary<string, string?> { ["Logging:Syslog:Enabled"] = "true" } };
        }
        IHost host;
        try
        {
            var snapshot = ConfigurationLoader.Load(inputs);
            var builder = ServerHost.CreateBuilder(inputs, snapshot);
            builder.Services.AddDaemonSession(session);
            host = builder.Build();
        }
        catch (ConfigurationLoadException ex)
        {
            return Fail(ExitCodes.Config, ex.Message);
        }
        catch (OptionsValidationException ex)
        {
            return Fail(ExitCodes.Config, "invalid configuration: " + string.Join("; ", ex.Failures));
        }

        HandoverExec? handover;
        using (host)
        {
            var failures = Validate(host);
            if (failures.Count > 0)
            {
                return FailStartup(host, ExitCodes.Config, "invalid configuration: " + string.Join("; ", failures));
            }

            try
            {
                await host.StartAsync();
            }
            catch (ListenerBindException ex)
            {
                return FailStartup(host, BindFailureExitCode.Of(ex.Failure), ex.Message);
            }
            catch (SystemdSocketActivationException ex)
            {
                return FailStartup(host, ExitCodes.Config, ex.Message);
            }
            catch (OptionsValidationException ex)
            {
                return FailStartup(host, ExitCodes.Config, "invalid configuration: " + string.Join("; ", ex.Failures));
            }
            catch (StartupException ex)
            {
                return FailStartup(host, ex.ExitCode, ex.Message); // e.g. the privilege drop after binding failed
            }

            await host.WaitForShutdownAsync();

            // A classic restart or upgrade: the connections were let go of open; the new image takes them.
            handover = await (host.Services.GetService<ExecHandover>()?.PrepareAsync() ?? Task.FromResult<HandoverExec?>(null));
        }

        if (handover is not null)
        {
            // The host is disposed, so its logs are flushed; execve(2) returns only on failure.
            string reason = handover.Run();
            return Fail(ExitCodes.OsError, $"cannot execute {handover.Path}: {reason}; the connections handed over are lost");
        }

        return ExitCodes.Success;
    }

    private static IReadOnlyList<string> Validate(IHost host) =>
        host.Services.GetRequiredService<ConfigurationValidator>().Validate(host.Services.GetRequiredService<IConfiguration>());

    /// <summary>A fatal startup error: also tells systemd why (ERRNO=, sd_notify(3)) so `systemctl status` shows it.</summary>
    private static int FailStartup(IHost host, int exitCode, string message)
    {
        int errno = exitCode switch
        {
            ExitCodes.Unavailable => 98, // EADDRINUSE
            ExitCodes.Config => 22,      // EINVAL
            _ => 5,                      // EIO
        };
        host.Services.GetRequiredService<ISystemdNotifier>().Notify(ServiceState.Errno(errno), ServiceState.Status(message));
        return Fail(exitCode, message);
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine("chatdaemon: " + message);
        return exitCode;
    }
}
