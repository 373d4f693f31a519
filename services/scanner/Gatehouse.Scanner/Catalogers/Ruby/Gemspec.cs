using System.Text.RegularExpressions;

namespace Gatehouse.Scanner.Catalogers.Ruby;

/// <summary>The fields Gatehouse reads from a RubyGems-generated specification file.</summary>
internal sealed partial record Gemspec(string Name, string Version, IReadOnlyList<string> Licenses, IReadOnlyList<string> RuntimeDependencies)
{
    public static Gemspec Parse(string text)
    {
        string? name = null, version = null;
        var licenses = new List<string>();
        var dependencies = new List<string>();
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var assignment = Assignment().Match(line);
            if (assignment.Success)
            {
                var strings = Strings(assignment.Groups["value"].Value);
                switch (assignment.Groups["field"].Value)
                {
                    case "name":
                        name ??= strings.FirstOrDefault();
                        break;
                    case "version":
                        version ??= strings.FirstOrDefault();
                        break;
                    case "license" or "licenses":
                        licenses.AddRange(strings);
                        break;
                }
                continue;
            }
            var dependency = RuntimeDependency().Match(line);
            if (dependency.Success && Strings(dependency.Groups["args"].Value).FirstOrDefault() is { } gem)
            {
                dependencies.Add(gem);
            }
        }
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
        {
            throw new FormatException("gemspec declares no name or version");
        }
        return new Gemspec(name, version, [.. licenses.Distinct(StringComparer.Ordinal)], [.. dependencies.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>Ruby string literals in a value: <c>"x"</c>, <c>'x'</c> and <c>%q&lt;x&gt;</c>
    /// (with any <c>.freeze</c> after them ignored).</summary>
    private static List<string> Strings(string value) =>
        [.. StringLiteral().Matches(value).Select(m => m.Groups["d"].Success ? m.Groups["d"].Value : m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["q"].Value)];

    [GeneratedRegex("""^\s*\w+\.(?<field>name|version|licenses?)\s*=\s*(?<value>.+)$""", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    // add_runtime_dependency / add_dependency (runtime by default); development dependencies are not installed.
    [GeneratedRegex("""^\s*\w+\.add_(?:runtime_)?dependency[\s(]+(?<args>.+)$""", RegexOptions.CultureInvariant)]
    private static partial Regex RuntimeDependency();

    [GeneratedRegex(@"""(?<d>[^""]*)""|'(?<s>[^']*)'|%q<(?<q>[^>]*)>", RegexOptions.CultureInvariant)]
    private static partial Regex StringLiteral();
}
