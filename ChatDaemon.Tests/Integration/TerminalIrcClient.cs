using System.Text.RegularExpressions;

using ChatDaemon.Tests.TestSupport;

namespace ChatDaemon.Tests.Integration;

/// <summary>
/// A real terminal IRC client from Debian, as a person uses it: how it is started with a throwaway home, what they
/// type to connect, and how its screen shows the events the tests look for. The screen forms are the clients' own
/// default themes; each is a regular expression over one captured screen.
/// </summary>
public sealed class TerminalIrcClient
{
    private TerminalIrcClient(string program, string debianPackage)
    {
        Program = program;
        DebianPackage = debianPackage;
    }

    /// <summary>irssi: connects with <c>/connect HOST PORT</c> (plain TCP is its default), the nick from <c>-n</c>.</summary>
    public static TerminalIrcClient Irssi { get; } = new("irssi", "irssi")
    {
        Arguments = (home, nick) => [$"--home={home}", "-n", nick],
        ReadyPattern = @"^\[\(status\)\]",
        ConnectSteps = (port, _) => [($"/connect 127.0.0.1 {port}", null)],
        JoinedPattern = (nick, channel) => $@"{Regex.Escape(nick)} \[~?\S+@127\.0\.0\.1\] has joined {Regex.Escape(channel)}",
        MessagePattern = (nick, text) => $@"<[ @+]?{Regex.Escape(nick)}> {Regex.Escape(text)}",
        OwnNickChangePattern = nick => $@"You're now known as {Regex.Escape(nick)}",
    };

    /// <summary>
    /// WeeChat (the curses interface): a server is added and connected by name, the nick its <c>-nicks</c>.
    /// <c>-nossl</c> asks for plain TCP whatever the user's defaults: 3.8 (Debian 12) names the option <c>ssl</c>
    /// and ignores an unknown <c>-notls</c> without a word (4.0 renamed it <c>tls</c> and made TLS the default).
    /// </summary>
    public static TerminalIrcClient WeeChat { get; } = new("weechat", "weechat-curses")
    {
        Arguments = (home, _) => ["--dir", home],
        ReadyPattern = @"\[core\] 1:weechat",
        ConnectSteps = (port, nick) =>
        [
            ($"/server add chatdaemon 127.0.0.1/{port} -nossl -nicks={nick}", "server added: chatdaemon"),
            ("/connect chatdaemon", null),
        ],
        JoinedPattern = (nick, channel) => $@"{Regex.Escape(nick)} \(~?\S+@127\.0\.0\.1\) has joined {Regex.Escape(channel)}",
        MessagePattern = (nick, text) => $@"[ @+]{Regex.Escape(nick)} \| {Regex.Escape(text)}",
        OwnNickChangePattern = nick => $@"You are now known as {Regex.Escape(nick)}",
    };

    public string Program { get; }

    public string DebianPackage { get; }

    /// <summary>The command line for a client whose configuration lives in the directory given, with the nick given.</summary>
    public required Func<string, string, string[]> Arguments { get; init; }

    /// <summary>
    /// The screen once the client is up and reads what is typed (its input line or status bar drawn): a person
    /// starts typing then, and keys typed while a program is still setting up its terminal may be flushed.
    /// </summary>
    public required string ReadyPattern { get; init; }

    /// <summary>
    /// What a person types to connect to 127.0.0.1 on the port given, as the nick given: each line with what the
    /// screen shows once it is done, before the next is typed (WeeChat takes two lines arriving at once for a paste
    /// and asks whether to send them, as a person typing never sees).
    /// </summary>
    public required Func<int, string, (string Line, string? DonePattern)[]> ConnectSteps { get; init; }

    /// <summary>The screen's line for NICK (this user or another) joining CHANNEL.</summary>
    public required Func<string, string, string> JoinedPattern { get; init; }

    /// <summary>The screen's line for NICK saying TEXT in the channel shown.</summary>
    public required Func<string, string, string> MessagePattern { get; init; }

    /// <summary>The screen's line telling this user their nick is now NICK.</summary>
    public required Func<string, string> OwnNickChangePattern { get; init; }

    /// <summary>Another user's nick change, OLD to NEW: both clients word it the same.</summary>
    public static string NickChangePattern(string oldNick, string newNick) =>
        $@"{Regex.Escape(oldNick)} is now known as {Regex.Escape(newNick)}";

    /// <summary>The client's registration: the server's 001 welcome, as both clients show it.</summary>
    public static string WelcomePattern(string nick) => $@"Welcome to the ChatDaemon IRC network {Regex.Escape(nick)}!";

    /// <summary>Starts the client in a terminal of its own; fails plainly when its Debian package is missing.</summary>
    public TmuxTerminal Start(string home, string nick)
    {
        bool installed = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, Program)));
        Assert.True(installed, $"{Program} is not installed (Debian package {DebianPackage}; .ci/run installs it)");
        return TmuxTerminal.Start(Program, Arguments(home, nick));
    }

    public override string ToString() => Program;
}
