namespace ChatDaemon.CommandLine;

/// <summary>The command line is wrong; exit <see cref="ExitCodes.Usage"/> with the message.</summary>
public sealed class UsageException(string message) : Exception(message);
