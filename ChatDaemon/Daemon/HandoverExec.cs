using System.Runtime.InteropServices;
using System.Text;
using ChatDaemon.Interop;

namespace ChatDaemon.Daemon;

/// <summary>The execve(2) that ends a classic restart or upgrade (<see cref="ExecHandover"/>).</summary>
internal sealed class HandoverExec(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment)
{
    public string Path { get; } = path;

    /// <summary>Replaces this process's image; returns only when execve(2) failed, with the reason.</summary>
    public unsafe string Run()
    {
        var strings = new List<nint>();
        try
        {
            byte** argv = Array(arguments, strings);
            byte** envp = Array(environment, strings);
            byte* file = Utf8(Path, strings);
            LibC.execve(file, argv, envp);
            return Marshal.GetPInvokeErrorMessage(LibC.errno);
        }
        finally
        {
            foreach (nint block in strings)
            {
                NativeMemory.Free((void*)block);
            }
        }
    }

    private static unsafe byte** Array(IReadOnlyList<string> values, List<nint> allocated)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        allocated.Add((nint)array);
        for (int i = 0; i < values.Count; i++)
        {
            array[i] = Utf8(values[i], allocated);
        }

        return array;
    }

    private static unsafe byte* Utf8(string value, List<nint> allocated)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        var bytes = (byte*)NativeMemory.AllocZeroed((nuint)(length + 1));
        allocated.Add((nint)bytes);
        Encoding.UTF8.GetBytes(value, new Span<byte>(bytes, length));
        return bytes;
    }
}
