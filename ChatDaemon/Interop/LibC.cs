using System.Runtime.InteropServices;

namespace ChatDaemon.Interop;

/// <summary>
/// The few libc entry points ChatDaemon needs, shaped like the Tmds.LibC package
/// (<c>Tmds.Linux.LibC</c>) so this folder can be replaced by that package later. The namespace is
/// ChatDaemon's own so that both can be referenced during such a swap without a name clash.
/// Each area keeps its imports in a partial file of its own (LibC.Socket.cs, LibC.Process.cs, ...).
/// </summary>
public static unsafe partial class LibC
{
    internal const string libc = "libc";

    /// <summary>The calling thread's errno after a failed call (set by SetLastPInvokeError).</summary>
    public static int errno => Marshal.GetLastPInvokeError();
}
