namespace Gatehouse.Scanner.Catalogers.Java;

/// <summary>
/// <c>META-INF/maven/&lt;group&gt;/&lt;artifact&gt;/pom.properties</c>, a Java properties file: the key ends at
/// the first unescaped <c>=</c>, <c>:</c> or whitespace; whitespace around the separator is dropped;
/// <c>#</c>/<c>!</c> start comments; a trailing backslash continues the line.
/// </summary>
internal sealed record PomProperties(string GroupId, string ArtifactId, string Version)
{
    public string Name => $"{GroupId}:{ArtifactId}";

    public static PomProperties Parse(string text)
    {
        var values = ParseProperties(text);
        string Require(string key) =>
            values.GetValueOrDefault(key) is { Length: > 0 } value ? value : throw new FormatException($"pom.properties has no {key}");
        return new PomProperties(Require("groupId"), Require("artifactId"), Require("version"));
    }

    private static Dictionary<string, string> ParseProperties(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var logical = "";
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = logical.Length > 0 ? logical + raw.TrimStart() : raw.TrimStart();
            if (line.EndsWith('\\') && !line.EndsWith(@"\\", StringComparison.Ordinal))
            {
                logical = line[..^1];
                continue;
            }
            logical = "";
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }
            var end = 0;
            while (end < line.Length && line[end] is not ('=' or ':' or ' ' or '\t'))
            {
                end += line[end] == '\\' ? 2 : 1;
            }
            end = Math.Min(end, line.Length);
            var rest = line[end..].TrimStart();
            if (rest.Length > 0 && rest[0] is '=' or ':')
            {
                rest = rest[1..].TrimStart();
            }
            values[line[..end].Replace(@"\", "", StringComparison.Ordinal)] = rest.TrimEnd();
        }
        return values;
    }
}
