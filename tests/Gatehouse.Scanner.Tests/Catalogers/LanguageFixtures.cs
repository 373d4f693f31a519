using System.Text;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.Catalogers;

/// <summary>
/// Runs a cataloger over loose files (<see cref="CatalogContext.ForFiles"/>) and reads the language rows
/// of ../shared/testdata/inventory/EXPECTED-packages.tsv. A row with an empty name means the file
/// declares no package.
/// </summary>
internal static class LanguageFixtures
{
    public sealed record Run(IReadOnlyList<Package> Packages, IReadOnlyList<InventoryProblem> Problems);

    public static TheoryData<string> Fixtures(string ecosystemFolder)
    {
        var data = new TheoryData<string>();
        foreach (var fixture in ExpectedRows().Where(r => r.Fixture.StartsWith(ecosystemFolder + "/", StringComparison.Ordinal)).Select(r => r.Fixture).Distinct().Order(StringComparer.Ordinal))
        {
            data.Add(fixture);
        }
        return data;
    }

    public static IReadOnlyList<(string Name, string Version)> Expected(string fixture) =>
        [.. ExpectedRows().Where(r => r.Fixture == fixture && r.Name.Length > 0).Select(r => (r.Name, r.Version)).Order()];

    /// <summary>Catalogs the fixture together with the files beside it (a METADATA needs its RECORD)
    /// and returns the name/version pairs of the packages declared by the fixture file itself.</summary>
    public static IReadOnlyList<(string Name, string Version)> Catalog(ICataloger cataloger, string fixture)
    {
        var directory = Path.GetDirectoryName(RepoPaths.TestData("inventory", fixture))!;
        var relativeDirectory = Path.GetDirectoryName(fixture)!.Replace('\\', '/');
        var files = Directory.GetFiles(directory)
            .Select(f => new KeyValuePair<string, byte[]>($"{relativeDirectory}/{Path.GetFileName(f)}", File.ReadAllBytes(f)));
        var run = Catalog(cataloger, files);
        return [.. run.Packages.Where(p => p.Location.Path == fixture).Select(p => (p.Name, p.Version)).Order()];
    }

    public static Run Catalog(ICataloger cataloger, IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        var problems = new List<InventoryProblem>();
        var context = CatalogContext.ForFiles(cataloger.Name, files, problems: problems);
        var packages = cataloger.CatalogAsync(context, CancellationToken.None).GetAwaiter().GetResult();
        return new Run(packages, problems);
    }

    public static Run Catalog(ICataloger cataloger, params (string Path, string Content)[] files) =>
        Catalog(cataloger, files.Select(f => new KeyValuePair<string, byte[]>(f.Path, Encoding.UTF8.GetBytes(f.Content))));

    public static Package Single(this Run run, string name) => Assert.Single(run.Packages, p => p.Name == name);

    private static IEnumerable<(string Fixture, string Name, string Version)> ExpectedRows() =>
        File.ReadLines(RepoPaths.TestData("inventory", "EXPECTED-packages.tsv"))
            .Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(cells => (cells[0], cells[1], cells[2]));
}
