namespace ChatDaemon.Chat.Irc;

/// <summary>Runs a command for <paramref name="session"/> with its parameters (sanitised); false when the client leaves (QUIT).</summary>
internal delegate bool IrcCommandHandler(IrcSession session, string[] parameters);

/// <summary>
/// One IRC command: its name, the parameters it needs (fewer get ERR_NEEDMOREPARAMS), whether a client may send
/// it before registering, and whether it walks a whole room or every room (then it runs on the thread pool while
/// its session waits, so that it never holds up an event loop that serves other clients).
/// </summary>
internal sealed record IrcCommand(string Name, int MinParameters, IrcCommandHandler Handler, bool BeforeRegistration = false, bool WalksSharedState = false);
