using ChatDaemon;
using ChatDaemon.Configuration;
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
        CommandLine command;
        try
        {
            command = CommandLine.Parse(args);
        }
        catch (UsageException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message + " (try --help)");
        }

        switch (command.Verb)
        {
            case CommandVerb.Help:
                Console.Out.WriteLine(CommandLine.Usage);
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

    private static int CheckConfig(CommandLine command)
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

        Console.Out.WriteLine($"chatdaemon: configuration {Path.GetFullPath(inputs.ConfigFile)} is valid" + (File.Exists(inputs.ConfigFile) ? "" : " (file absent: defaults)"));
        return ExitCodes.Success;
    }

    private static async Task<int> RunServerAsync(CommandLine command)
    {
        var inputs = command.ToConfigurationInputs();
        IHost host;
        try
        {
            var snapshot = ConfigurationLoader.Load(inputs);
            host = ServerHost.CreateBuilder(inputs, snapshot).Build();
        }
        catch (ConfigurationLoadException ex)
        {
            return Fail(ExitCodes.Config, ex.Message);
        }

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
                return FailStartup(host, ex.ExitCode, ex.Message);
            }
            catch (SystemdSocketActivationException ex)
            {
                return FailStartup(host, ExitCodes.Config, ex.Message);
            }
            catch (OptionsValidationException ex)
            {
                return FailStartup(host, ExitCodes.Config, "invalid configuration: " + string.Join("; ", ex.Failures));
            }

            await host.WaitForShutdownAsync();
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
