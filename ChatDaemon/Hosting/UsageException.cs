namespace ChatDaemon.Hosting;

/// <summary>The command line is wrong; exit 64 (EX_USAGE) with the message.</summary>
public sealed class UsageException(string message) : Exception(message);
