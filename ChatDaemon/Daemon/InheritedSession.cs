using System.Globalization;
using ChatDaemon.Interop;
using Microsoft.Win32.SafeHandles;

namespace ChatDaemon.Daemon;

/// <summary>
/// What a re-executed daemon finds in its environment first thing (<see cref="ExecHandover"/>): the handover
/// manifest (read from its memfd, which is then closed), the directory the daemon was first started in, and
/// its program's path. The variables are removed so that no process the daemon starts inherits them. A
/// manifest that cannot be read leaves a <see cref="Problem"/> to log, and every descriptor it might have named
/// (all that survived the execve(2): the runtime opens its own close-on-exec) is closed, so no client hangs on a
/// connection nobody serves.
/// </summary>
internal sealed record InheritedSession(HandoverManifest? Manifest, string? Problem, string? OriginalDirectory, string? Executable)
{
    public static InheritedSession Receive()
    {
        string? fdText = Take(HandoverManifest.EnvironmentVariable);
        string? pidText = Take(HandoverManifest.PidVariable);
        string? executable = Take(DaemonSession.ExecutableVariable);
        string? directory = fdText is null ? null : Take(DetachEnvironment.OriginalDirectory);
        if (fdText is null)
        {
            return new InheritedSession(null, null, null, executable);
        }

        // As LISTEN_PID (sd_listen_fds(3)): a manifest meant for another process (a child that inherited the
        // environment) is not ours to take.
        if (pidText != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return new InheritedSession(null, null, directory, executable);
        }

        if (!int.TryParse(fdText, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || fd <= 2)
        {
            return Unusable($"{HandoverManifest.EnvironmentVariable}={fdText} names no descriptor", directory, executable);
        }

        try
        {
            byte[] bytes;
            using (var file = new SafeFileHandle(fd, ownsHandle: true))
            {
                long length = RandomAccess.GetLength(file);
                if (length > 64L * 1024 * 1024)
                {
                    return Unusable($"the handover manifest is {length} bytes", directory, executable);
                }

                bytes = new byte[length];
                int read = RandomAccess.Read(file, bytes, 0);
                bytes = bytes[..read];
            }

            return new InheritedSession(HandoverManifest.Decode(bytes), null, directory, executable);
        }
        catch (Exception exception) when (exception is FormatException or IOException or UnauthorizedAccessException)
        {
            return Unusable(exception.Message, directory, executable);
        }
    }

    private static InheritedSession Unusable(string problem, string? directory, string? executable)
    {
        InheritedDescriptors.CloseInheritable();
        return new InheritedSession(null, problem, directory, executable);
    }

    private static string? Take(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        if (value is not null)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }
}
