using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Tests.Inventory;

/// <summary>
/// The Debian 12 images scripts/build-test-images.sh builds (GATEHOUSE_TEST_IMAGES, from
/// <c>eval $(scripts/infra.sh env)</c>): the scan must list exactly what <c>dpkg-query -W</c> listed in the
/// rootfs, with source packages, and attribute layer 2's packages to layer 2. Missing images fail the test.
/// </summary>
public sealed class RealImageTests
{
    private static string Images
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_IMAGES");
            Assert.False(string.IsNullOrEmpty(directory),
                "GATEHOUSE_TEST_IMAGES is not set: run `eval $(scripts/infra.sh env)` and scripts/build-test-images.sh first");
            Assert.True(Directory.Exists(Path.Combine(directory, "debian12")),
                $"GATEHOUSE_TEST_IMAGES={directory} has no debian12 layout: run scripts/build-test-images.sh");
            return directory;
        }
    }

    [Fact]
    public async Task Debian12YieldsExactlyWhatDpkgQueryListed()
    {
        var result = await ScanAsync("debian12", "12");

        var expected = ReadDpkgQuery("debian12.dpkg-query.tsv");
        var actual = result.Packages.Where(p => p.Type == "deb")
            .Select(p => (p.Name, p.Version, p.Source!.Name, p.Source.Version!))
            .Order()
            .ToList();
        AssertSameSet(expected, actual);
        Assert.Equal("debian-12", result.Distro?.PurlQualifier);
        var layer = Assert.Single(result.Layers);
        Assert.All(result.Packages, p =>
        {
            Assert.Equal(0, p.Location.LayerIndex);
            Assert.Equal(layer.Digest, p.Location.LayerDigest);
            Assert.Contains("distro=debian-12", p.Purl, StringComparison.Ordinal);
            Assert.StartsWith($"pkg:deb/debian/{Uri.EscapeDataString(p.Name)}@", p.Purl, StringComparison.Ordinal);
        });
        var bash = result.Packages.Single(p => p.Name == "bash");
        Assert.Contains("bin/bash", bash.Files); // paths as the package ships them (usrmerge links bin to usr/bin)
        Assert.NotEmpty(bash.Licenses);
        Assert.NotEmpty(bash.DependsOn);
        Assert.DoesNotContain(result.Problems, p => p.Source == "layers");
    }

    [Fact]
    public async Task SecondLayersPackagesAreAttributedToTheSecondLayer()
    {
        var result = await ScanAsync("debian12-extra", "12-extra");

        AssertSameSet(ReadDpkgQuery("debian12-extra.dpkg-query.tsv"),
            result.Packages.Select(p => (p.Name, p.Version, p.Source!.Name, p.Source.Version!)).Order().ToList());
        var layer2 = File.ReadAllLines(Path.Combine(Images, "debian12-extra.layer2-packages.txt"))
            .Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(layer2);
        Assert.Equal(2, result.Layers.Count);
        Assert.All(result.Packages, p =>
        {
            var expectedLayer = layer2.Contains(p.Name) ? 1 : 0;
            Assert.True(expectedLayer == p.Location.LayerIndex, $"{p.Name} attributed to layer {p.Location.LayerIndex}, expected {expectedLayer}");
            Assert.Equal(result.Layers[expectedLayer].DiffId, p.Location.DiffId);
        });
        Assert.Equal(layer2.Count, result.Packages.Count(p => p.Location.LayerIndex == 1));
    }

    [Fact]
    public async Task AppsImageYieldsTheNpmAndNuGetPackagesWithTheirDependencyEdges()
    {
        var result = await ScanAsync("apps", "apps");

        // Each installed package once, whether the lock file or node_modules declared it.
        var npm = result.Packages.Where(p => p.Type == "npm" && p.Name != "gatehouse-npmapp").ToList();
        AssertSameSet(ReadPairs("apps.npm-packages.tsv"), npm.Select(p => (p.Name, p.Version, "", "")).Distinct().Order().ToList());
        Assert.Equal(npm.Count, npm.Select(p => (p.Name, p.Version)).Distinct().Count());
        var nuget = result.Packages.Where(p => p.Type == "nuget").ToList();
        Assert.Superset(ReadPairs("apps.nuget-packages.tsv").ToHashSet(), nuget.Select(p => (p.Name, p.Version, "", "")).ToHashSet());
        Assert.All(result.Packages.Where(p => p.Type is "npm" or "nuget"), p => Assert.Equal(1, p.Location.LayerIndex));

        // Edges point at packages of the same inventory: express needs body-parser; the .NET app needs its references.
        var ids = result.Packages.ToDictionary(p => p.Id);
        var express = Assert.Single(npm, p => p.Name == "express");
        Assert.Contains(express.DependsOn, id => ids.TryGetValue(id, out var d) && d.Name == "body-parser");
        var withNuGetDependencies = result.Packages.Where(p => p.DependsOn.Any(id => ids.TryGetValue(id, out var d) && d.Type == "nuget")).ToList();
        Assert.Contains(withNuGetDependencies, p => p.DependsOn.Any(id => ids[id].Name == "Newtonsoft.Json"));
        Assert.All(result.Packages.SelectMany(p => p.DependsOn), id => Assert.True(ids.ContainsKey(id), $"dangling edge {id}"));
    }

    private static List<(string, string, string, string)> ReadPairs(string file) =>
        File.ReadAllLines(Path.Combine(Images, file))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(c => (c[0], c[1], "", ""))
            .Distinct()
            .Order()
            .ToList();

    private static async Task<InventoryResult> ScanAsync(string layout, string tag) =>
        await new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"oci:{Path.Combine(Images, layout)}:{tag}");

    private static List<(string, string, string, string)> ReadDpkgQuery(string file) =>
        File.ReadAllLines(Path.Combine(Images, file))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(c => (c[0], c[1], c[2], c[3]))
            .Order()
            .ToList();

    private static void AssertSameSet(List<(string, string, string, string)> expected, List<(string, string, string, string)> actual)
    {
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            $"missing: {string.Join(", ", missing)}\nextra: {string.Join(", ", extra)}");
    }
}
