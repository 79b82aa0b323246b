namespace ChatDaemon.Tests.SystemdIntegration;

/// <summary>Exit code and output of a command run inside the systemd container.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, string Error)
{
    public CommandResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"`{Command}` exited with {ExitCode}:\n{this}");

    public override string ToString() => $"$ {Command} (exit {ExitCode})\n{Output}{Error}";
}
