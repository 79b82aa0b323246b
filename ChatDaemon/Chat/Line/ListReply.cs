namespace ChatDaemon.Chat.Line;

/// <summary>
/// A list reply (/who, /rooms) bounded for a terminal and for the asker's send queue: a short list stays one
/// line as it always was ("* in lobby: alice, bob"); a longer one is a heading with the total, at most a fixed
/// number of entries wrapped into lines of at most <see cref="LineBytes"/>, and "* ... and N more" (or
/// "* end of list"). A reply of 5,000 rooms was one 190 KB line, more than a send queue holds (issue 11, D3).
/// </summary>
internal static class ListReply
{
    /// <summary>Longest line of a reply, in bytes without CRLF: one terminal row.</summary>
    public const int LineBytes = 80;

    /// <summary>
    /// The lines for <paramref name="entries"/> (already chosen and ordered, at most the cap) out of
    /// <paramref name="total"/>: "* {single}{entries}" when it fits one line and nothing is left out, else
    /// "* {heading}", the entries, and the closing line.
    /// </summary>
    public static List<byte[]> Render(string single, string heading, IReadOnlyList<string> entries, int total)
    {
        var lines = new List<byte[]>();
        string one = "* " + single + string.Join(", ", entries);
        if (entries.Count == total && System.Text.Encoding.UTF8.GetByteCount(one) <= LineBytes)
        {
            lines.Add(LineText.Line(one));
            return lines;
        }

        lines.Add(LineText.Notice(heading));
        var line = new System.Text.StringBuilder("* ");
        foreach (string entry in entries)
        {
            // Entries are ASCII (nicks and room names), so characters are bytes; a line that goes on in the next
            // ends with a comma, so room is kept for it.
            if (line.Length > 2 && line.Length + 2 + entry.Length + 1 > LineBytes)
            {
                line.Append(',');
                lines.Add(LineText.Line(line.ToString()));
                line.Clear().Append("* ");
            }
            else if (line.Length > 2)
            {
                line.Append(", ");
            }

            line.Append(entry);
        }

        if (line.Length > 2)
        {
            lines.Add(LineText.Line(line.ToString()));
        }

        lines.Add(LineText.Notice(entries.Count < total ? $"... and {total - entries.Count} more" : "end of list"));
        return lines;
    }

    /// <summary>
    /// The first <paramref name="count"/> of <paramref name="items"/> in <paramref name="order"/>, without sorting
    /// them all: a heap of <paramref name="count"/> (O(n log count)), so a list of thousands costs little.
    /// </summary>
    public static List<T> First<T>(IEnumerable<T> items, int count, IComparer<T> order, out int total)
    {
        // A max-heap of the smallest seen so far: the root is the largest of them, the one to drop next.
        var heap = new PriorityQueue<T, T>(Comparer<T>.Create((a, b) => order.Compare(b, a)));
        total = 0;
        foreach (var item in items)
        {
            total++;
            if (heap.Count < count)
            {
                heap.Enqueue(item, item);
            }
            else if (count > 0 && order.Compare(item, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(item, item);
            }
        }

        var first = new List<T>(heap.Count);
        while (heap.Count > 0)
        {
            first.Add(heap.Dequeue());
        }

        first.Reverse();
        return first;
    }
}
