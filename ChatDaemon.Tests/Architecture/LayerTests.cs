using ChatDaemon.CommandLine;

namespace ChatDaemon.Tests.Architecture;

/// <summary>
/// The folders of ChatDaemon/ are layers: the dependencies between them, read from the compiled
/// assembly (every signature and every method body) and from the sources (for constants), must keep
/// the rules of <see cref="LayerRules.ForChatDaemon"/> and form no cycle.
/// </summary>
public class LayerTests
{
    private const string Root = "ChatDaemon";

    private static readonly Lazy<IReadOnlyList<FolderDependency>> ChatDaemonDependencies = new(() =>
        [.. MetadataDependencies.Read(typeof(CommandLineArguments).Assembly.Location, Root), .. SourceDependencies.Read(ProjectDirectory(), Root)]);

    [Fact]
    public void No_folder_depends_on_a_folder_it_must_not()
    {
        var violations = LayerRules.ForChatDaemon.ForbiddenDependencies(ChatDaemonDependencies.Value);

        Assert.True(violations.Count == 0, "forbidden dependencies:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void No_folders_depend_on_each_other_in_a_cycle()
    {
        var cycles = LayerRules.Cycles(ChatDaemonDependencies.Value);

        Assert.True(cycles.Count == 0, string.Join("\n", cycles));
    }

    [Fact]
    public void The_scan_of_ChatDaemon_sees_its_known_dependencies()
    {
        // Guards against a scan that silently finds nothing (a wrong path or root namespace passes every rule).
        var folders = ChatDaemonDependencies.Value.Select(d => (d.From, d.To)).ToHashSet();

        Assert.Contains(("Hosting", "Networking"), folders);
        Assert.Contains(("Echo", "Networking"), folders);
        Assert.Contains(("Daemon", "CommandLine"), folders);
    }

    [Theory]
    [InlineData("BodyUser", "ConstructedInBody")]
    [InlineData("LambdaUser", "UsedInLambda")]
    [InlineData("GenericUser", "InGenericArgument")]
    [InlineData("AsyncUser", "InAsyncMethod")]
    public void The_metadata_scan_finds_a_dependency_used_only_inside_a_method_body(string user, string used)
    {
        const string samples = "ChatDaemon.Tests.Architecture.Samples";
        var found = MetadataDependencies.Read(typeof(LayerTests).Assembly.Location, samples);

        Assert.Contains(new FolderDependency("Upper", "Lower", $"{samples}.Upper.{user}", $"{samples}.Lower.{used}"), found);
        Assert.DoesNotContain(found, d => d.From == "Lower");
    }

    [Fact]
    public void A_constant_is_invisible_in_the_metadata_but_found_in_the_source()
    {
        const string samples = "ChatDaemon.Tests.Architecture.Samples";
        var found = MetadataDependencies.Read(typeof(LayerTests).Assembly.Location, samples);

        Assert.DoesNotContain(found, d => d.User.EndsWith(".ConstantUser", StringComparison.Ordinal));
        string source = """
            using ChatDaemon.CommandLine;
            // ChatDaemon.Chat in a comment is not a dependency
            /// <see cref="ChatDaemon.Control.ControlReply"/> nor in a doc comment
            var text = "nor ChatDaemon.Daemon in a string";
            int code = ChatDaemon.Hosting.Something.Value;
            """;
        Assert.Equal(["CommandLine", "Hosting"], SourceDependencies.FoldersNamedIn(source, Root).Order());
    }

    [Fact]
    public void A_forbidden_dependency_is_reported_with_the_types_behind_it()
    {
        var rules = new LayerRules(new Dictionary<string, string[]> { ["Networking"] = ["Hosting"] });
        FolderDependency[] graph =
        [
            new("Networking", "Configuration", "ChatDaemon.Networking.ListenerSet", "ChatDaemon.Configuration.ListenEndpoint"),
            new("Networking", "Hosting", "ChatDaemon.Networking.ListenerSet", "ChatDaemon.Hosting.ExitCodes"),
            new("Hosting", "Networking", "ChatDaemon.Hosting.ServerHost", "ChatDaemon.Networking.ListenerSet"),
        ];

        var violations = rules.ForbiddenDependencies(graph);

        Assert.Equal(["Networking must not depend on Hosting: ChatDaemon.Networking.ListenerSet uses ChatDaemon.Hosting.ExitCodes"], violations);
        Assert.Empty(rules.ForbiddenDependencies(graph.Where(d => d.To != "Hosting")));
    }

    [Fact]
    public void A_cycle_of_two_or_more_folders_is_reported_and_a_layered_graph_is_not()
    {
        FolderDependency[] layered =
        [
            new("Hosting", "Chat", "H", "C"),
            new("Chat", "Networking", "C", "N"),
            new("Hosting", "Networking", "H", "N"),
        ];
        FolderDependency[] twoWay = [.. layered, new("Networking", "Hosting", "N2", "H2")];
        FolderDependency[] pair = [new("Chat", "Configuration", "C", "K"), new("Configuration", "Chat", "K", "C")];

        Assert.Empty(LayerRules.Cycles(layered));
        var cycle = Assert.Single(LayerRules.Cycles(twoWay));
        Assert.StartsWith("cycle between Chat, Hosting, Networking:", cycle);
        Assert.Contains("  Networking -> Hosting (1): N2 uses H2", cycle);
        Assert.DoesNotContain("Hosting -> Networking", cycle.Split('\n')[0]);
        Assert.Contains("  Configuration -> Chat (1): K uses C", Assert.Single(LayerRules.Cycles(pair)));
    }

    private static string ProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChatDaemon.sln")))
            {
                return Path.Combine(directory.FullName, "ChatDaemon");
            }
        }

        throw new DirectoryNotFoundException($"no ChatDaemon.sln above {AppContext.BaseDirectory}");
    }
}
