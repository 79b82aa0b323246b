namespace ChatDaemon.Chat;

/// <summary>A blob handed over as <see cref="MemberState"/> is not one this build can read; the message says why.</summary>
public sealed class MemberStateFormatException(string message) : Exception(message);
