namespace ChatDaemon.Daemon;

/// <summary>The last lines a child wrote to a stream, kept to explain a failed start.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    public async Task CollectAsync(TextReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Enqueue(line);
                    while (_lines.Count > capacity)
                        _lines.Dequeue();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToArray();
        }
    }
}
