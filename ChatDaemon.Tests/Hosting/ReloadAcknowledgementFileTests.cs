using ChatDaemon.Configuration;
using ChatDaemon.Hosting;
using ChatDaemon.Interop;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatDaemon.Tests.Hosting;

public sealed class ReloadAcknowledgementFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatdaemon-reload-state-").FullName;

    private static ReloadAcknowledgementFile Create(string? directory) =>
        new(directory, 1234, NullLogger<ReloadAcknowledgementFile>.Instance);

    private string Read() => File.ReadAllText(Path.Combine(_directory, ReloadAcknowledgementFile.FileName));

    [Fact]
    public async Task The_state_exists_from_start_so_that_a_reload_request_can_read_it_before_signalling()
    {
        var file = Create(_directory);
        await file.StartAsync(CancellationToken.None);

        Assert.Equal("1234 0 0 none\n", Read());
    }

    [Fact]
    public async Task Each_reload_is_recorded_when_it_starts_and_when_it_ends()
    {
        var file = Create(_directory);
        await file.StartAsync(CancellationToken.None);

        file.OnReloading();
        Assert.Equal("1234 1 0 none\n", Read());
        file.OnReloaded(ReloadOutcome.Rejected("Limits:MaxLineBytes: -5 is out of range"));
        Assert.Equal("1234 1 1 rejected Limits:MaxLineBytes: -5 is out of range\n", Read());
        file.OnReloading();
        file.OnReloaded(ReloadOutcome.Success);
        Assert.Equal("1234 2 2 applied\n", Read());
    }

    [Fact]
    public async Task A_reader_of_the_previous_state_keeps_reading_a_whole_line_because_writes_replace_the_file()
    {
        var file = Create(_directory);
        await file.StartAsync(CancellationToken.None);
        string path = Path.Combine(_directory, ReloadAcknowledgementFile.FileName);
        var before = FileIdentity.OfPath(path)!.Value;
        using var reader = new StreamReader(path);

        file.OnReloading();

        Assert.Equal("1234 0 0 none", reader.ReadLine());
        Assert.False(before.SameFileAs(FileIdentity.OfPath(path)!.Value));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Without_a_runtime_directory_nothing_is_written_and_reloads_still_work()
    {
        var file = Create(null);
        await file.StartAsync(CancellationToken.None);
        file.OnReloading();
        file.OnReloaded(ReloadOutcome.Success);

        Assert.Null(file.FilePath);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task A_runtime_directory_that_vanished_does_not_fail_the_reload()
    {
        var file = Create(Path.Combine(_directory, "gone"));
        await file.StartAsync(CancellationToken.None);

        file.OnReloading();
        file.OnReloaded(ReloadOutcome.Success);

        Assert.False(Directory.Exists(Path.Combine(_directory, "gone")));
    }

    [Theory]
    [InlineData("/run/chatdaemon", "/run/chatdaemon")]
    [InlineData("/run/chatdaemon:/run/other", "/run/chatdaemon")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_first_directory_of_RUNTIME_DIRECTORY_is_used(string? variable, string? expected)
    {
        Assert.Equal(expected, ReloadAcknowledgementFile.RuntimeDirectoryOf(variable));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
