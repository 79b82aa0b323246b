using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

public sealed class LargeRoomTests
{
    [Fact]
    public async Task Rooms_above_the_announcement_size_stay_quiet_about_joins_and_leaves_but_not_about_messages()
    {
        await using var server = await TestServer.StartAsync(null, "--Chat:AnnounceMembershipUpTo=2");
        await using var alice = await (await LineClient.ConnectAsync(server.ChatPort)).WithNickAsync("alice");
        await using var bob = await LineClient.ConnectAsync(server.ChatPort);
        Assert.Equal($"* {bob.Nick} joined lobby", await alice.ReadLineAsync()); // two members: announced

        await using var carol = await LineClient.ConnectAsync(server.ChatPort); // would be the third
        await carol.SendAsync("/quit");
        Assert.True(await carol.IsClosedByServerAsync());
        await bob.SendAsync("still talking");
        Assert.Equal($"<{bob.Nick}> still talking", await alice.ReadLineAsync()); // nothing about carol came first

        await bob.SendAsync("/join elsewhere");
        Assert.Equal($"* {bob.Nick} left lobby", await alice.ReadLineAsync()); // back to two: announced again
    }

    [Fact]
    public async Task A_negative_announcement_size_is_a_configuration_error()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(null, "--Chat:AnnounceMembershipUpTo=-1"));
        Assert.Contains("Chat:AnnounceMembershipUpTo", failure.Message);
    }
}
