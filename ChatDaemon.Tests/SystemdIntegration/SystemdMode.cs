namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>Which systemd the systemd suite drives.</summary>
public enum SystemdMode
{
    /// <summary>One it boots itself, in namespaces of its own (boot-systemd.sh): any root shell with systemd installed.</summary>
    Own,

    /// <summary>The system manager that is already PID 1 here (a container with systemd as PID 1, or a machine).</summary>
    Running,
}

/// <summary>
/// <c>CHATDAEMON_TEST_SYSTEMD=own|running</c> forces a mode; unset, the suite drives a running systemd when
/// there is one (sd_booted(3): /run/systemd/system exists; and PID 1 is systemd) and boots its own otherwise.
/// </summary>
public static class SystemdModeSelection
{
    public const string Variable = "CHATDAEMON_TEST_SYSTEMD";

    public static SystemdMode Current { get; } = Select(Environment.GetEnvironmentVariable(Variable), IsBootedWithSystemd());

    public static SystemdMode Select(string? forced, bool systemdIsPid1) => forced switch
    {
        "own" => SystemdMode.Own,
        "running" => SystemdMode.Running,
        null or "" => systemdIsPid1 ? SystemdMode.Running : SystemdMode.Own,
        _ => throw new InvalidOperationException($"{Variable}={forced}: expected 'own' or 'running'"),
    };

    private static bool IsBootedWithSystemd()
    {
        try
        {
            return Directory.Exists("/run/systemd/system") && File.ReadAllText("/proc/1/comm").Trim() == "systemd";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
