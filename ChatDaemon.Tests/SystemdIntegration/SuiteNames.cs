namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>
/// Names of what the systemd suite makes itself (its own units, its drop-ins in the installed units' .d
/// directories, its scratch files): all begin with <see cref="Prefix"/>, which no ChatDaemon install uses
/// (chatdaemon.service, chatdaemon.socket, chatdaemon-irc.socket, chatdaemon-echo.socket, /etc/chatdaemon, /usr/lib/chatdaemon,
/// /run/chatdaemon, the user chatdaemon) and no other software is likely to. Driving the system's own systemd,
/// the suite can then find and remove exactly what it made. The deploy units themselves keep their real names:
/// they are what the suite tests, and <see cref="SystemdContainer"/> refuses to run over an install it did not make.
/// </summary>
internal static class SuiteNames
{
    public const string Prefix = "chatdaemon-testsuite-";

    /// <summary>The suite's drop-in in a unit's .d directory (systemd.unit(5) "drop-in"), applied after any other.</summary>
    public const string DropIn = "zz-chatdaemon-testsuite.conf";

    /// <summary>A unit name of the suite's, e.g. <c>chatdaemon-testsuite-probe</c> (add the type suffix).</summary>
    public static string Unit(string role) => Prefix + role;

    /// <summary>A scratch file under /run, a tmpfs whichever systemd the suite drives.</summary>
    public static string RunFile(string name) => "/run/" + Prefix + name;
}
