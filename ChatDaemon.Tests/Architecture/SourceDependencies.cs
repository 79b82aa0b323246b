using System.Text.RegularExpressions;

namespace ChatDaemon.Tests.Architecture;

// The folder dependencies that source files name: using ChatDaemon.X; directives and
// qualified ChatDaemon.X. names in code (comments and string literals removed). This catches
// what the metadata cannot, a use of another folder's constants (exit codes, say), whose values
// the compiler copies into the IL.
internal static partial class SourceDependencies
{
    // The dependencies of every .cs file under projectDirectory/FOLDER/, named by their paths.
    public static IReadOnlyList<FolderDependency> Read(string projectDirectory, string rootNamespace)
    {
        var found = new HashSet<FolderDependency>();
        foreach (string file in Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(projectDirectory, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Length < 2 || parts[0] is "obj" or "bin")
            {
                continue; // a file at the project's root (Program.cs, the composition root) or build output
            }

            string from = parts[0];
            foreach (string to in FoldersNamedIn(File.ReadAllText(file), rootNamespace))
            {
                if (to != from)
                {
                    found.Add(new FolderDependency(from, to, Path.Combine(Path.GetFileName(projectDirectory), relative), $"{rootNamespace}.{to}"));
                }
            }
        }

        return found.OrderBy(d => d.ToString(), StringComparer.Ordinal).ToList();
    }

    internal static IEnumerable<string> FoldersNamedIn(string source, string rootNamespace)
    {
        string code = CommentsAndStrings().Replace(source, " ");
        var qualified = new Regex($@"(?<![\w.]){Regex.Escape(rootNamespace)}\.([A-Z]\w*)");
        return qualified.Matches(code).Select(m => m.Groups[1].Value).Distinct();
    }

    // Block comments, line comments (doc comments included), verbatim, raw and ordinary strings and char literals.
    [GeneratedRegex("""/\*.*?\*/|//[^\n]*|@"(?:""|[^"])*"|\$*"{3,}.*?"{3,}|\$*"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])'""", RegexOptions.Singleline)]
    private static partial Regex CommentsAndStrings();
}
