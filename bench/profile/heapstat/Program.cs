// Live managed objects of a running .NET process, by type: attaches with ClrMD (ptrace; root or the same
// user), walks the heap from its roots, and prints bytes, count and type of what is reachable, largest first,
// then the GC's segments (regions) with their committed size. Made for bench/ANALYSIS.md "Idle connections",
// where dotnet-gcdump is not available.
//
//   dotnet run -c Release --project bench/profile/heapstat -- PID [TOP]
//
// Arrays are split by length so that I/O buffers (4096) stand out. The process is suspended while it runs
// (a few seconds for a million objects).
using System.Globalization;
using Microsoft.Diagnostics.Runtime;

int pid = int.Parse(args[0], CultureInfo.InvariantCulture);
int top = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400;
using var target = DataTarget.AttachToProcess(pid, suspend: true);
var runtime = target.ClrVersions[0].CreateRuntime();
var heap = runtime.Heap;

// EnumerateObjects also yields dead objects the GC has not swept yet: mark what the roots reach.
var live = new HashSet<ulong>();
var pending = new Stack<ulong>();
foreach (var root in heap.EnumerateRoots())
{
    if (root.Object.Address != 0 && live.Add(root.Object.Address))
    {
        pending.Push(root.Object.Address);
    }
}

while (pending.Count > 0)
{
    var obj = heap.GetObject(pending.Pop());
    if (!obj.IsValid)
    {
        continue;
    }

    foreach (ulong reference in obj.EnumerateReferenceAddresses(carefully: true, considerDependantHandles: true))
    {
        if (reference != 0 && live.Add(reference))
        {
            pending.Push(reference);
        }
    }
}

var byType = new Dictionary<string, (long Count, long Bytes)>();
long total = 0, objects = 0;
foreach (var obj in heap.EnumerateObjects())
{
    if (!obj.IsValid || obj.IsFree || !live.Contains(obj.Address))
    {
        continue;
    }

    string name = obj.Type?.Name ?? "?";
    if (obj.Type?.IsArray == true)
    {
        int length = obj.AsArray().Length;
        name += length switch { < 64 => " [len <64]", < 1024 => " [len <1k]", < 4096 => " [len <4k]", 4096 => " [len 4096]", _ => " [len >4k]" };
    }

    byType.TryGetValue(name, out var sum);
    byType[name] = (sum.Count + 1, sum.Bytes + (long)obj.Size);
    total += (long)obj.Size;
    objects++;
}

Console.WriteLine($"objects {objects} bytes {total}");
foreach (var (name, sum) in byType.OrderByDescending(kv => kv.Value.Bytes).Take(top))
{
    Console.WriteLine($"{sum.Bytes,12} {sum.Count,9} {name}");
}

foreach (var kind in heap.Segments.GroupBy(s => s.Kind))
{
    Console.WriteLine($"segments {kind.Key}: {kind.Count()} committed {kind.Sum(s => (long)s.CommittedMemory.Length) / 1048576.0:F1} MiB");
}
