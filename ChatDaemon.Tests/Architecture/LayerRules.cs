namespace ChatDaemon.Tests.Architecture;

// Which folder may not depend on which, and the check of a dependency list against that and against
// cycles. Pure over its input, so it is tested on small made-up graphs as well as on ChatDaemon.
internal sealed class LayerRules(IReadOnlyDictionary<string, string[]> forbidden)
{
    // ChatDaemon's rules (README, "Layout").
    public static LayerRules ForChatDaemon { get; } = new(new Dictionary<string, string[]>
    {
        // The transport knows no protocol and no process: how a failure ends the process (its exit
        // code, in CommandLine) is the host's business.
        ["Networking"] = ["Chat", "Hosting", "CommandLine"],
        ["Chat"] = ["Systemd", "Hosting", "Daemon", "Control", "Backplane"],
        // The backplane carries chat messages between instances: it knows the chat's messages and the broker,
        // not the transport of the clients nor the process around it.
        ["Backplane"] = ["Networking", "Systemd", "Hosting", "Daemon", "Control"],
        ["Systemd"] = ["Chat", "Networking", "Daemon", "Control"],
    });

    // Every dependency that a rule forbids, one line each, naming the types (or file) behind it.
    public IReadOnlyList<string> ForbiddenDependencies(IEnumerable<FolderDependency> dependencies) =>
        dependencies
            .Where(d => forbidden.TryGetValue(d.From, out var banned) && banned.Contains(d.To))
            .Select(d => $"{d.From} must not depend on {d.To}: {d.User} uses {d.Used}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    // Every cycle between folders, as its strongly connected component (so A -> B -> C -> A is found
    // as well as A <-> B), with the folder dependencies that make it up, fewest uses first: the
    // dependency to remove is usually the one with the fewest.
    public static IReadOnlyList<string> Cycles(IEnumerable<FolderDependency> dependencies)
    {
        var all = dependencies.ToList();
        var edges = all.GroupBy(d => d.From).ToDictionary(g => g.Key, g => g.Select(d => d.To).Distinct().ToList());
        var report = new List<string>();
        foreach (var component in StronglyConnected(edges).Where(c => c.Count > 1))
        {
            var members = component.ToHashSet();
            var inside = all.Where(d => members.Contains(d.From) && members.Contains(d.To))
                .GroupBy(d => $"{d.From} -> {d.To}")
                .OrderBy(g => g.Count())
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"  {g.Key} ({g.Count()}): {string.Join("; ", g.Select(d => $"{d.User} uses {d.Used}").Order(StringComparer.Ordinal))}");
            report.Add($"cycle between {string.Join(", ", component.Order(StringComparer.Ordinal))}:\n{string.Join("\n", inside)}");
        }

        return report.Order(StringComparer.Ordinal).ToList();
    }

    // Tarjan's algorithm; the folder graph has a dozen nodes, so recursion is fine.
    private static List<List<string>> StronglyConnected(Dictionary<string, List<string>> edges)
    {
        var nodes = edges.Keys.Concat(edges.Values.SelectMany(v => v)).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (string next in edges.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(next, out int nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (string node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }

        return components;
    }
}
