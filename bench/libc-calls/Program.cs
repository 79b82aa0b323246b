// send(2)+recv(2) of one byte over a unix socket pair, and epoll_wait(2) with nothing ready, through Tmds.LibC 0.5.0 (DllImport,
// int descriptors) and through ChatDaemon's own bindings (LibraryImport; send/recv take the SafeSocketHandle
// the transport holds). Rounds alternate so that a change in the machine's load hits both.
using System.Diagnostics;
using System.Net.Sockets;
using Own = ChatDaemon.Interop.LibC;
using TLibC = Tmds.Linux.LibC;

const int Iterations = 2_000_000;
const int Rounds = 7;
var (a, b) = Pair();
int fa = (int)a.SafeHandle.DangerousGetHandle(), fb = (int)b.SafeHandle.DangerousGetHandle();
var results = new Dictionary<string, List<double>>();
int tmdsEpoll = TLibC.epoll_create1(0);
int ownEpoll = Own.epoll_create1(0);

unsafe
{
    byte one = 1;
    for (int round = 0; round < Rounds; round++)
    {
        Measure("send+recv Tmds.LibC", () =>
        {
            byte x = 1;
            for (int i = 0; i < Iterations; i++)
            {
                TLibC.send(fa, &x, 1, 0);
                TLibC.recv(fb, &x, 1, 0);
            }
        });
        Measure("send+recv own", () =>
        {
            byte x = 1;
            for (int i = 0; i < Iterations; i++)
            {
                Own.send(a.SafeHandle, &x, 1, 0);
                Own.recv(b.SafeHandle, &x, 1, 0);
            }
        });
        Measure("epoll_wait Tmds.LibC", () =>
        {
            var events = stackalloc Tmds.Linux.epoll_event[8];
            for (int i = 0; i < Iterations; i++) { TLibC.epoll_wait(tmdsEpoll, events, 8, 0); }
        });
        Measure("epoll_wait own", () =>
        {
            var events = stackalloc byte[8 * 16];
            for (int i = 0; i < Iterations; i++) { Own.epoll_wait(ownEpoll, events, 8, 0); }
        });
    }
    _ = one;
}

foreach (var (name, list) in results)
{
    list.Sort();
    Console.WriteLine($"{name,-22} median {list[list.Count / 2]:F1} ns/call-pair (min {list[0]:F1}, max {list[^1]:F1})");
}

void Measure(string name, Action body)
{
    var watch = Stopwatch.StartNew();
    body();
    double ns = watch.Elapsed.TotalNanoseconds / Iterations;
    (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(ns);
}

static (Socket, Socket) Pair()
{
    var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    string path = Path.Combine(Path.GetTempPath(), $"libc-calls-{Environment.ProcessId}.sock");
    File.Delete(path);
    listener.Bind(new UnixDomainSocketEndPoint(path));
    listener.Listen(1);
    var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    client.Connect(new UnixDomainSocketEndPoint(path));
    var server = listener.Accept();
    listener.Dispose();
    File.Delete(path);
    return (client, server);
}
