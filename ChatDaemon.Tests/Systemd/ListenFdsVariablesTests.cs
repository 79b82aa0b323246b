using ChatDaemon.Systemd;
using Xunit;

namespace ChatDaemon.Tests.Systemd;

public sealed class ListenFdsVariablesTests
{
    private const int OurPid = 500;

    [Fact]
    public void Descriptors_start_at_three_and_take_their_names_in_order()
    {
        var sockets = ListenFdsVariables.Parse("500", "2", "chat:echo", OurPid, out bool other);

        Assert.False(other);
        Assert.Equal([(3, "chat"), (4, "echo")], sockets);
    }

    [Fact]
    public void Without_names_every_descriptor_is_unknown() =>
        Assert.Equal([(3, "unknown"), (4, "unknown")], ListenFdsVariables.Parse("500", "2", null, OurPid, out _));

    [Fact]
    public void Variables_for_another_pid_are_ignored()
    {
        var sockets = ListenFdsVariables.Parse("501", "1", "chat", OurPid, out bool other);

        Assert.Empty(sockets);
        Assert.True(other);
    }

    [Fact]
    public void Absent_variables_mean_no_sockets() =>
        Assert.Empty(ListenFdsVariables.Parse(null, null, null, OurPid, out _));

    [Theory]
    [InlineData("1", "chat:echo")]
    [InlineData("2", "chat")]
    [InlineData("3", "")]
    public void A_name_count_that_does_not_match_is_an_error(string fds, string names)
    {
        var error = Assert.Throws<SystemdSocketActivationException>(() => ListenFdsVariables.Parse("500", fds, names, OurPid, out _));
        Assert.Contains("LISTEN_FDNAMES", error.Message);
    }

    [Theory]
    [InlineData("abc", "1", "LISTEN_PID")]
    [InlineData("-5", "1", "LISTEN_PID")]
    [InlineData("0", "1", "LISTEN_PID")]
    [InlineData("500", "x", "LISTEN_FDS")]
    [InlineData("500", "-1", "LISTEN_FDS")]
    [InlineData("500", "99999999999", "LISTEN_FDS")]
    public void Malformed_values_are_errors_that_name_the_variable(string pid, string fds, string variable)
    {
        var error = Assert.Throws<SystemdSocketActivationException>(() => ListenFdsVariables.Parse(pid, fds, null, OurPid, out _));
        Assert.StartsWith(variable + "=", error.Message);
    }

    [Fact]
    public void Ten_thousand_descriptors_back_from_the_store_are_a_count_not_an_error()
    {
        // The file descriptor store hands back one descriptor per kept client after the units' own.
        string names = string.Join(':', ["chat", .. Enumerable.Repeat("~chat", 10_000), "~state"]);
        var passed = ListenFdsVariables.Parse("42", "10002", names, 42, out _);
        Assert.Equal(10_002, passed.Count);
        Assert.Equal((10_004, "~state"), passed[^1]);
    }
}
