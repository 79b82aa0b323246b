namespace ChatDaemon.Chat.Line;

/// <summary>Runs a command for <paramref name="session"/>; false when the client leaves (/quit).</summary>
internal delegate bool LineCommandHandler(LineSession session, string argument);

/// <summary>
/// One line-protocol command: its name, how it is used and what it does (the lines of /help), and its handler.
/// <paramref name="WalksSharedState"/> marks a command that walks every room or a whole room (/who, /rooms):
/// it runs on the thread pool while its session waits, so that it never holds up an event loop that serves
/// other clients.
/// </summary>
internal sealed record LineCommand(string Name, string Usage, string Summary, LineCommandHandler Handler, bool WalksSharedState = false);
