using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// irssi and WeeChat, the Debian packages, driven in tmux as a person drives them (keys typed, the screen read),
/// talk with a line-protocol user (what nc would be) in room lobby, channel #lobby, of the real daemon. Each test
/// starts its own daemon with an IRC and a chat listener on ports the OS chooses.
/// </summary>
[Trait("Category", "IrcClients")]
public sealed class RealIrcClientTests : IDisposable
{
    /// <summary>
    /// Per step. irssi paces what it sends by default (a command every 2.2 s after a burst of 5), so a step waits
    /// a few seconds behind the commands queued before it.
    /// </summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("chatdaemon-irc-client-").FullName;
    private readonly DaemonProcess _daemon;

    public RealIrcClientTests()
    {
        try
        {
            string config = Path.Combine(_directory, "chatdaemon.json");
            File.WriteAllText(config, "{}");
            _daemon = DaemonProcess.Start("--config", config, "--listen", "irc=127.0.0.1:0", "--listen", "chat=127.0.0.1:0");
        }
        catch
        {
            Directory.Delete(_directory, recursive: true);
            throw;
        }
    }

    [Fact]
    public Task Irssi_user_and_line_user_talk_in_the_same_room() => TalkInTheSameRoomAsync(TerminalIrcClient.Irssi, "irssiuser");

    [Fact]
    public Task Weechat_user_and_line_user_talk_in_the_same_room() => TalkInTheSameRoomAsync(TerminalIrcClient.WeeChat, "weeuser");

    /// <summary>
    /// Connect, join, a message each way, a nick change each way, quit with a reason: every step seen on both
    /// sides, the line user's in its exact lines, the IRC user's on the client's screen.
    /// </summary>
    private async Task TalkInTheSameRoomAsync(TerminalIrcClient client, string nick)
    {
        int ircPort = int.Parse((await _daemon.WaitForOutputAsync(@"Listening for irc on 127\.0\.0\.1:(\d+)")).Groups[1].Value);
        int chatPort = int.Parse((await _daemon.WaitForOutputAsync(@"Listening for chat on 127\.0\.0\.1:(\d+)")).Groups[1].Value);
        await _daemon.WaitForOutputAsync("Ready: listening on");

        await using var line = await (await LineClient.ConnectAsync(chatPort)).WithNickAsync("liner");
        string home = Directory.CreateDirectory(Path.Combine(_directory, client.Program)).FullName;
        using var terminal = client.Start(home, nick);
        try
        {
            await terminal.WaitForScreenAsync(client.ReadyPattern, StepTimeout);
            foreach (var (typed, donePattern) in client.ConnectSteps(ircPort, nick))
            {
                terminal.TypeLine(typed);
                if (donePattern is not null)
                {
                    await terminal.WaitForScreenAsync(donePattern, StepTimeout);
                }
            }

            await terminal.WaitForScreenAsync(TerminalIrcClient.WelcomePattern(nick), StepTimeout);

            terminal.TypeLine("/join #lobby");
            Assert.Equal($"* {nick} joined lobby", await line.ReadLineAsync(StepTimeout));
            await terminal.WaitForScreenAsync(client.JoinedPattern(nick, "#lobby"), StepTimeout);

            terminal.TypeLine($"hello from {client.Program}");
            Assert.Equal($"<{nick}> hello from {client.Program}", await line.ReadLineAsync(StepTimeout));

            await line.SendAsync("hi there, nc user here");
            await terminal.WaitForScreenAsync(client.MessagePattern("liner", "hi there, nc user here"), StepTimeout);

            string newNick = nick + "2";
            terminal.TypeLine("/nick " + newNick);
            Assert.Equal($"* {nick} is now known as {newNick}", await line.ReadLineAsync(StepTimeout));
            await terminal.WaitForScreenAsync(client.OwnNickChangePattern(newNick), StepTimeout);

            await line.WithNickAsync("liner2");
            await terminal.WaitForScreenAsync(TerminalIrcClient.NickChangePattern("liner", "liner2"), StepTimeout);

            terminal.TypeLine("/quit bye");
            Assert.Equal($"* {newNick} left lobby (quit: bye)", await line.ReadLineAsync(StepTimeout));
            await terminal.WaitForExitAsync(StepTimeout);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException(
                $"{client} with a line user: {e.Message}\n" +
                $"--- {client}'s screen ---\n{ScreenOf(terminal)}\n" +
                $"--- the line user received ---\n{string.Join('\n', line.Received)}\n" +
                $"--- daemon log ---\n{_daemon.StandardOutput}{_daemon.StandardError}",
                e);
        }
    }

    private static string ScreenOf(TmuxTerminal terminal)
    {
        try
        {
            return terminal.Screen();
        }
        catch (InvalidOperationException e)
        {
            return "(could not read the screen: " + e.Message + ")";
        }
    }

    public void Dispose()
    {
        _daemon.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
