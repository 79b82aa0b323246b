using System.Globalization;
using System.Text;

namespace ChatDaemon.Logging;

// A per-thread StringWriter so rendering a message does not allocate a new builder per event.
// Builders that grew past MaxRetainedCapacity are dropped to keep memory bounded.
internal sealed class ReusableStringWriter : StringWriter
{
    private const int MaxRetainedCapacity = 16 * 1024;

    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_: the runtime's prefix for a thread-static.")]
    private static ReusableStringWriter? t_cached;

    private ReusableStringWriter() : base(new StringBuilder(256), CultureInfo.InvariantCulture)
    {
    }

    public static ReusableStringWriter Acquire()
    {
        var writer = t_cached ?? new ReusableStringWriter();
        t_cached = null;
        return writer;
    }

    public void Release()
    {
        var builder = GetStringBuilder();
        if (builder.Capacity <= MaxRetainedCapacity)
        {
            builder.Clear();
            t_cached = this;
        }
    }
}
