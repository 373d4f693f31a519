using Gatehouse.Scanner.Catalogers.Java;
using Gatehouse.Scanner.Catalogers.Npm;
using Gatehouse.Scanner.Catalogers.NuGet;
using Gatehouse.Scanner.Catalogers.Python;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Tests.Catalogers;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.CycloneDx;

/// <summary>Real catalogued metadata (odd licence shapes, scoped names, Maven names, repeated purls)
/// through the builder: the SBOM must still validate and keep bom-refs unique.</summary>
public sealed class CataloguedFixturesSbomTests
{
    [Fact]
    public void Sbom_of_every_language_fixture_validates()
    {
        var packages = new List<Package>();
        var problems = new List<InventoryProblem>();
        foreach (var (cataloger, folder) in new (ICataloger, string)[]
        {
            (new NpmCataloger(), "npm"), (new NuGetCataloger(), "dotnet"), (new PythonCataloger(), "python"), (new JavaArchiveCataloger(), "java"),
        })
        {
            var directory = RepoPaths.TestData("inventory", folder);
            var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
                .Select(f => new KeyValuePair<string, byte[]>($"{folder}/{Path.GetRelativePath(directory, f).Replace('\\', '/')}", File.ReadAllBytes(f)));
            var run = LanguageFixtures.Catalog(cataloger, files);
            packages.AddRange(run.Packages.Select(p => p with { FoundBy = cataloger.Name }));
            problems.AddRange(run.Problems);
        }

        var bom = CycloneDxSbomBuilder.Build(SampleInventory.Image, null, packages, problems, SampleInventory.Tool, SampleInventory.Stamp);

        Assert.True(packages.Count > 150, $"only {packages.Count} packages catalogued");
        Assert.Equal(packages.Count, bom.Components!.Count);
        Assert.Equal(bom.Components.Count, bom.Components.Select(c => c.BomRef).Distinct().Count());
        Assert.Contains(bom.Dependencies!, d => d.Ref.StartsWith("pkg:nuget/Humanizer@2.14.1", StringComparison.Ordinal));
        var errors = CycloneDxSchemaValidator.Instance.Validate(CycloneDxWriter.Serialize(bom));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
    }
}
