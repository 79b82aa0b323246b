namespace ChatDaemon.Configuration;

/// <summary>Reads the Redis password from its file (<c>Backplane:Redis:PasswordFile</c>); the errors name the file, never its content.</summary>
public static class RedisPasswordFile
{
    /// <summary>The file's path: a bare name is a systemd credential when the service has a credentials directory.</summary>
    public static string Resolve(string file)
    {
        string? credentials = Environment.GetEnvironmentVariable(TlsCertificateFiles.CredentialsDirectoryVariable);
        bool bare = !file.Contains('/', StringComparison.Ordinal);
        return bare && !string.IsNullOrEmpty(credentials) ? Path.Combine(credentials, file) : file;
    }

    /// <summary>The first line of the file (a trailing line end is not part of a password); false with the reason otherwise.</summary>
    public static bool TryRead(string file, out string password, out string error)
    {
        password = "";
        error = "";
        string path = Resolve(file);
        try
        {
            string text = File.ReadAllText(path);
            int end = text.AsSpan().IndexOfAny('\r', '\n');
            password = end < 0 ? text : text[..end];
            if (password.Length == 0)
            {
                error = $"{path} is empty";
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read {path}: {ex.Message}";
            return false;
        }
    }
}
