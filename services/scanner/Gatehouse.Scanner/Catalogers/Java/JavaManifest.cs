namespace Gatehouse.Scanner.Catalogers.Java;

/// <summary>
/// META-INF/MANIFEST.MF: <c>Key: value</c> lines, continuation lines starting with one space, sections
/// separated by blank lines (the first is the main section). Attribute names are case-insensitive.
/// </summary>
internal sealed class JavaManifest
{
    private readonly List<Dictionary<string, string>> _sections;

    private JavaManifest(List<Dictionary<string, string>> sections) => _sections = sections;

    public static JavaManifest Parse(string text)
    {
        var sections = new List<Dictionary<string, string>> { NewSection() };
        string? lastKey = null;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                lastKey = null;
                if (sections[^1].Count > 0)
                {
                    sections.Add(NewSection());
                }
                continue;
            }
            if (line[0] == ' ')
            {
                if (lastKey is null)
                {
                    throw new FormatException("manifest continuation line without an attribute");
                }
                sections[^1][lastKey] += line[1..];
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"manifest line is not 'Name: value': '{(line.Length > 60 ? line[..60] : line)}'");
            }
            lastKey = line[..colon].Trim();
            sections[^1][lastKey] = line[(colon + 1)..].Trim();
        }
        return new JavaManifest(sections);
    }

    public string? Main(string attribute) => _sections[0].GetValueOrDefault(attribute) is { Length: > 0 } value ? value : null;

    /// <summary>The main section's value, else the first named section that has it.</summary>
    public string? Any(string attribute) =>
        _sections.Select(s => s.GetValueOrDefault(attribute)).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    /// <summary>The name the manifest declares: OSGi symbolic name (without directives), then
    /// Implementation-Title, then the Jenkins plug-in names, then Bundle-Name and Name.</summary>
    public string? DeclaredName()
    {
        if (Main("Bundle-SymbolicName") is { } symbolic)
        {
            return symbolic.Split(';')[0].Trim();
        }
        return Main("Implementation-Title") ?? Main("Short-Name") ?? Main("Extension-Name") ?? Main("Bundle-Name") ?? Main("Name");
    }

    public string? DeclaredVersion() =>
        Any("Implementation-Version") ?? Any("Bundle-Version") ?? Any("Specification-Version") ?? Any("Plugin-Version");

    /// <summary>Best guess at the Maven groupId for a purl when there is no pom.properties.</summary>
    public string? GroupId() => Main("Implementation-Vendor-Id") ?? Main("Group-Id") ?? Main("Automatic-Module-Name");

    public IReadOnlyList<string> Licenses() =>
        Main("Bundle-License") is { } bundle ? [bundle] : Main("Plugin-License-Name") is { } plugin ? [plugin] : [];

    private static Dictionary<string, string> NewSection() => new(StringComparer.OrdinalIgnoreCase);
}
