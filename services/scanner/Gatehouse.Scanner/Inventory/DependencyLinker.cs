namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// Turns declared requirements (package names or provided capabilities such as <c>so:libc.musl-x86_64.so.1</c>)
/// into <see cref="Package.DependsOn"/> edges between packages of one database. Shared by the OS catalogers.
/// </summary>
public static class DependencyLinker
{
    /// <summary>A package with what it provides (besides its own name) and the names it requires.</summary>
    public sealed record Node(Package Package, IReadOnlyList<string> Provides, IReadOnlyList<string> Requires);

    /// <summary>The packages with <see cref="Package.DependsOn"/> set to every package that satisfies a requirement,
    /// ordered and without self-edges or repeats. Requirements nobody satisfies are dropped.</summary>
    public static IReadOnlyList<Package> Link(IReadOnlyList<Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var providers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var name in node.Provides.Prepend(node.Package.Name))
            {
                if (!providers.TryGetValue(name, out var ids))
                {
                    providers[name] = ids = [];
                }
                ids.Add(node.Package.Id);
            }
        }
        return nodes.Select(node =>
        {
            var edges = node.Requires
                .SelectMany(r => providers.GetValueOrDefault(r) ?? [])
                .Where(id => id != node.Package.Id)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            return edges.Count == 0 ? node.Package : node.Package with { DependsOn = edges };
        }).ToList();
    }
}
