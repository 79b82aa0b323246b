namespace ChatDaemon.Configuration;

/// <summary>A configuration source could not be read or parsed; the message is fit for one line on stderr.</summary>
public sealed class ConfigurationLoadException(string message, Exception? inner = null) : Exception(message, inner);
