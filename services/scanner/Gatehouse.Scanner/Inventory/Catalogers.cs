using Gatehouse.Scanner.Catalogers.Apk;
using Gatehouse.Scanner.Catalogers.Dpkg;
using Gatehouse.Scanner.Catalogers.Go;
using Gatehouse.Scanner.Catalogers.Java;
using Gatehouse.Scanner.Catalogers.Npm;
using Gatehouse.Scanner.Catalogers.NuGet;
using Gatehouse.Scanner.Catalogers.Python;
using Gatehouse.Scanner.Catalogers.Rpm;
using Gatehouse.Scanner.Catalogers.Ruby;

namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// The one place built-in catalogers are listed (like Trivy's analyzer registry). Add a cataloger here
/// and nowhere else; <see cref="PluginRegistry"/> rejects duplicate names at start-up.
/// </summary>
public static class Catalogers
{
    /// <summary>Every built-in cataloger, OS package databases first.</summary>
    public static IReadOnlyList<ICataloger> BuiltIn() => PluginRegistry.Validate<ICataloger>(
    [
        new DpkgCataloger(),
        new ApkCataloger(),
        new RpmCataloger(),
        new NpmCataloger(),
        new NuGetCataloger(),
        new PythonCataloger(),
        new JavaArchiveCataloger(),
        new GoBinaryCataloger(),
        new GemspecCataloger(),
    ]);

    /// <summary>A version string for the whole set (SbomGenerated.catalogerSetVersion): name@version joined.</summary>
    public static string SetVersion(IEnumerable<ICataloger> catalogers) =>
        string.Join(",", catalogers.Select(c => $"{c.Name}@{c.Version}").Order(StringComparer.Ordinal));
}

/// <summary>Start-up validation shared by plug-in lists.</summary>
public static class PluginRegistry
{
    /// <summary>Returns <paramref name="plugins"/> unchanged, or throws when a name is empty or used twice.</summary>
    public static IReadOnlyList<T> Validate<T>(IReadOnlyList<T> plugins)
        where T : IPlugin
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plugin in plugins)
        {
            if (string.IsNullOrWhiteSpace(plugin.Name) || string.IsNullOrWhiteSpace(plugin.Version))
            {
                throw new InvalidOperationException($"{plugin.GetType().Name} has no name or version");
            }
            if (!seen.Add(plugin.Name))
            {
                throw new InvalidOperationException($"duplicate {typeof(T).Name} name '{plugin.Name}' ({plugin.GetType().Name})");
            }
        }
        return plugins;
    }
}
