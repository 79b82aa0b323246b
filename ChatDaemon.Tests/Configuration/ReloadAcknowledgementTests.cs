using ChatDaemon.Configuration;

namespace ChatDaemon.Tests.Configuration;

public sealed class ReloadAcknowledgementTests
{
    [Fact]
    public void A_fresh_process_has_started_and_completed_no_reload()
    {
        Assert.Equal("4242 0 0 none\n", ReloadAcknowledgement.Initial(4242).ToLine());
    }

    [Fact]
    public void A_request_made_before_a_reload_started_is_answered_only_when_that_reload_completes()
    {
        var idle = ReloadAcknowledgement.Initial(7);
        long startedWhenRequested = idle.Started;

        var running = idle.WithReloadStarted();
        Assert.False(running.Answers(startedWhenRequested));

        var done = running.WithReloadCompleted(ReloadOutcome.Success);
        Assert.True(done.Answers(startedWhenRequested));
        Assert.Equal("7 1 1 applied\n", done.ToLine());
    }

    [Fact]
    public void A_request_made_while_a_reload_runs_waits_for_the_next_reload_since_the_running_one_may_have_read_older_files()
    {
        var running = ReloadAcknowledgement.Initial(7).WithReloadStarted();
        long startedWhenRequested = running.Started;

        var first = running.WithReloadCompleted(ReloadOutcome.Success);
        Assert.False(first.Answers(startedWhenRequested));

        var second = first.WithReloadStarted().WithReloadCompleted(ReloadOutcome.Rejected("bad"));
        Assert.True(second.Answers(startedWhenRequested));
        Assert.Equal(ReloadAcknowledgementResult.Rejected, second.Result);
    }

    [Fact]
    public void A_rejection_keeps_its_reason_on_one_line_so_that_a_shell_read_gets_all_of_it()
    {
        var state = ReloadAcknowledgement.Initial(9).WithReloadStarted()
            .WithReloadCompleted(ReloadOutcome.Rejected("Limits:MaxLineBytes: -5 is out of range\nsecond line\tand a tab"));

        Assert.Equal("9 1 1 rejected Limits:MaxLineBytes: -5 is out of range second line and a tab\n", state.ToLine());
    }

    [Fact]
    public void A_huge_reason_is_cut()
    {
        var state = ReloadAcknowledgement.Initial(9).WithReloadStarted()
            .WithReloadCompleted(ReloadOutcome.Rejected(new string('x', 100_000)));

        Assert.True(state.ToLine().Length < ReloadAcknowledgement.MaxReasonLength + 64, $"{state.ToLine().Length} characters");
        Assert.EndsWith("… (see the log)\n", state.ToLine());
    }

    [Fact]
    public void An_applied_reload_after_a_rejected_one_clears_the_reason()
    {
        var state = ReloadAcknowledgement.Initial(9)
            .WithReloadStarted().WithReloadCompleted(ReloadOutcome.Rejected("bad"))
            .WithReloadStarted().WithReloadCompleted(ReloadOutcome.Success);

        Assert.Equal("9 2 2 applied\n", state.ToLine());
    }

    [Fact]
    public void A_written_line_parses_back_to_the_same_state()
    {
        var state = ReloadAcknowledgement.Initial(31).WithReloadStarted().WithReloadCompleted(ReloadOutcome.Rejected("Chat:Motd: too long"))
            .WithReloadStarted();

        Assert.True(ReloadAcknowledgement.TryParse(state.ToLine(), out var parsed));
        Assert.Equal(state, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 1 1")]
    [InlineData("12 1 2 applied")]
    [InlineData("12 -1 0 none")]
    [InlineData("pid 1 1 applied")]
    [InlineData("12 1 1 maybe")]
    public void Lines_that_are_not_a_reload_state_are_refused(string line)
    {
        Assert.False(ReloadAcknowledgement.TryParse(line, out _));
    }
}
