using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Advisories.Sources;

// The one explicit list of advisory source kinds. A location (folder, .zip, http(s) URL) goes to
// the first source that can read it. Duplicate names are rejected at construction.
public sealed class AdvisorySources
{
    public AdvisorySources(IEnumerable<IAdvisorySource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var list = new List<IAdvisorySource>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (IAdvisorySource source in sources)
        {
            if (source is null || string.IsNullOrWhiteSpace(source.Name) || string.IsNullOrWhiteSpace(source.Version))
            {
                throw new ArgumentException("an advisory source is null or has no name or version", nameof(sources));
            }

            if (!names.Add(source.Name))
            {
                throw new ArgumentException($"duplicate advisory source name '{source.Name}'", nameof(sources));
            }

            list.Add(source);
        }

        All = list;
    }

    public static AdvisorySources BuiltIn { get; } = new(
    [
        new OsvMirrorSource(),
        new OsvZipSource(),
        new OsvDirectorySource(),
    ]);

    public IReadOnlyList<IAdvisorySource> All { get; }

    public bool TryFind(string location, [NotNullWhen(true)] out IAdvisorySource? source)
    {
        source = string.IsNullOrWhiteSpace(location) ? null : All.FirstOrDefault(s => s.CanRead(location));
        return source is not null;
    }
}
