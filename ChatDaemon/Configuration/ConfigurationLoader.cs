using Microsoft.Extensions.Configuration;

namespace ChatDaemon.Configuration;

/// <summary>
/// Reads every configuration source into one flat snapshot (key to value). The host never reads
/// the sources directly: it serves the snapshot, so a reload can validate a complete new snapshot
/// and swap it in one step, or reject it and leave the running one untouched.
/// </summary>
public static class ConfigurationLoader
{
    public static Dictionary<string, string?> Load(ConfigurationInputs inputs)
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(BuiltInDefaults).AddInMemoryCollection(inputs.RunDefaults);
        string file = Path.GetFullPath(inputs.ConfigFile);
        if (inputs.ConfigFileRequired || File.Exists(file))
        {
            if (!File.Exists(file))
            {
                // File.Exists is also false when a directory on the way may not be searched.
                throw new ConfigurationLoadException(IsDeniedAccess(file)
                    ? $"configuration file {file} cannot be read: permission denied"
                    : $"configuration file {file} does not exist");
            }

            // No reloadOnChange: a file watcher on the content root costs over a second at start
            // under systemd (working directory /), and reload is explicit (SIGHUP) anyway.
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(ConfigurationInputs.EnvironmentPrefix);
        if (inputs.CommandLineKeys.Count > 0)
        {
            builder.AddCommandLine(inputs.CommandLineKeys.ToArray());
        }

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationLoadException(Describe(ex, file), ex);
        }

        var snapshot = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in root.AsEnumerable())
        {
            if (value is not null)
            {
                snapshot[key] = value;
            }
        }

        if (inputs.ListenOverrides.Count > 0)
        {
            // Arrays merge by index across sources; --listen must replace the list, not patch it.
            foreach (string key in snapshot.Keys.Where(k => k.StartsWith("Listen:", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                snapshot.Remove(key);
            }

            for (int i = 0; i < inputs.ListenOverrides.Count; i++)
            {
                snapshot[$"Listen:{i}"] = inputs.ListenOverrides[i];
            }
        }

        return snapshot;
    }

    /// <summary>Defaults that are configuration rather than code, so a file can still change them.</summary>
    private static readonly Dictionary<string, string?> BuiltInDefaults = new()
    {
        // A startup failure is reported as one line on stderr (and ERRNO= to systemd); the host's own
        // "Hosting failed to start" error would repeat it with a stack trace. Its Critical events
        // (a background service that crashed stops the host) still get through.
        ["Logging:MinimumLevel:Override:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
    };

    private static bool IsDeniedAccess(string file)
    {
        try
        {
            using var _ = File.OpenRead(file);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
        catch (IOException)
        {
            return false; // not found and the like
        }
    }

    private static string Describe(Exception ex, string file)
    {
        // The JSON provider wraps the parser's error (with line and position) in an InvalidDataException.
        string detail = ex.InnerException?.Message ?? ex.Message;
        return ex switch
        {
            InvalidDataException => $"configuration file {file} is not valid JSON: {detail}",
            UnauthorizedAccessException => $"configuration file {file} cannot be read: permission denied",
            FormatException => $"bad configuration key on the command line: {ex.Message}",
            _ => $"configuration file {file} cannot be read: {detail}",
        };
    }
}
