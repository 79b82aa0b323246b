using ChatDaemon.CommandLine;
using ChatDaemon.Daemon;
using Xunit;

namespace ChatDaemon.Tests.Daemon;

public sealed class PidFileTests : IDisposable
{
    private readonly ChildProcesses _children = new();

    private string PidPath => _children.PidFile;

    [Fact]
    public void Acquire_writes_the_pid_and_a_newline_and_holds_the_lock()
    {
        using var pidFile = PidFile.Acquire(PidPath);

        Assert.Equal($"{Environment.ProcessId}\n", ChildProcesses.ReadWithoutLocking(PidPath));
        Assert.Equal(new PidFileState(PidFileStatus.Running, Environment.ProcessId), PidFile.Probe(PidPath));
    }

    [Fact]
    public void A_second_instance_is_refused_with_the_holders_pid()
    {
        using var first = PidFile.Acquire(PidPath);

        var refused = Assert.Throws<StartupException>(() => PidFile.Acquire(PidPath));

        Assert.Equal($"already running (pid {Environment.ProcessId})", refused.Message);
        Assert.NotEqual(0, refused.ExitCode);
    }

    [Fact]
    public async Task A_lock_held_by_another_process_refuses_the_start()
    {
        var holder = await _children.StartLockHolderAsync(PidPath);

        var refused = Assert.Throws<StartupException>(() => PidFile.Acquire(PidPath));

        Assert.Equal($"already running (pid {holder.Id})", refused.Message);
    }

    [Fact]
    public async Task A_stale_file_whose_holder_died_is_replaced()
    {
        var holder = await _children.StartLockHolderAsync(PidPath);
        holder.Kill();
        await holder.WaitForExitAsync();
        Assert.Equal(PidFileStatus.Stale, PidFile.Probe(PidPath).Status);

        using var pidFile = PidFile.Acquire(PidPath);

        Assert.Equal($"{Environment.ProcessId}\n", ChildProcesses.ReadWithoutLocking(PidPath));
    }

    [Fact]
    public void Release_removes_the_file_and_the_lock()
    {
        var pidFile = PidFile.Acquire(PidPath);

        pidFile.Release();

        Assert.False(File.Exists(PidPath));
        Assert.Equal(PidFileStatus.NotRunning, PidFile.Probe(PidPath).Status);
        using var next = PidFile.Acquire(PidPath);
        Assert.True(File.Exists(PidPath));
    }

    [Fact]
    public void Release_leaves_a_file_that_replaced_ours_alone()
    {
        var pidFile = PidFile.Acquire(PidPath);
        File.Delete(PidPath);
        File.WriteAllText(PidPath, "4242\n");

        pidFile.Release();

        Assert.Equal("4242\n", ChildProcesses.ReadWithoutLocking(PidPath));
    }

    [Fact]
    public void A_symlink_in_place_of_the_pid_file_is_not_followed()
    {
        var target = Path.Combine(_children.Directory, "victim");
        File.WriteAllText(target, "keep");
        File.CreateSymbolicLink(PidPath, target);

        Assert.Throws<StartupException>(() => PidFile.Acquire(PidPath));
        Assert.Equal("keep", ChildProcesses.ReadWithoutLocking(target));
    }

    public void Dispose() => _children.Dispose();
}
