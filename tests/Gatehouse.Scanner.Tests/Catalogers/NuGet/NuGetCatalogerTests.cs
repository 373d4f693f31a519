using Gatehouse.Scanner.Catalogers.NuGet;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.Catalogers.NuGet;

public sealed class NuGetCatalogerTests
{
    private readonly NuGetCataloger _cataloger = new();

    public static TheoryData<string> Fixtures() => LanguageFixtures.Fixtures("dotnet");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Expected_packages_tsv_rows(string fixture)
    {
        Assert.Equal(LanguageFixtures.Expected(fixture), LanguageFixtures.Catalog(_cataloger, fixture));
    }

    [Theory]
    [InlineData("app/MyApp.deps.json", FileInterest.Content)]
    [InlineData("src/packages.lock.json", FileInterest.Content)]
    [InlineData("app/MyApp.runtimeconfig.json", FileInterest.None)]
    public void Selects_deps_and_lock_files(string path, FileInterest expected)
    {
        Assert.Equal(expected, _cataloger.Select(new FileCandidate(path, 10, UnixFileMode.UserRead, 0)));
    }

    [Fact]
    public void Deps_json_edges_come_from_the_runtime_target_and_the_project_is_the_application()
    {
        var run = Fixture("TestLibrary.deps.json", "app/TestLibrary.deps.json");
        Assert.Empty(run.Problems);
        var app = run.Single("TestLibrary");
        Assert.Equal("application", app.Properties["gatehouse:role"]);
        Assert.Equal("pkg:nuget/TestLibrary@1.0.0", app.Purl);
        Assert.Contains("pkg:nuget/TestCommon@1.0.0|app/TestLibrary.deps.json", app.DependsOn);
        Assert.Contains("pkg:nuget/Newtonsoft.Json@13.0.1|app/TestLibrary.deps.json", app.DependsOn);
        Assert.Equal(6, app.DependsOn.Count);
        Assert.Equal(
            ["pkg:nuget/Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0|app/TestLibrary.deps.json", "pkg:nuget/System.Runtime.CompilerServices.Unsafe@6.0.0|app/TestLibrary.deps.json"],
            run.Single("Microsoft.Extensions.DependencyInjection").DependsOn);
        Assert.False(run.Single("TestCommon").Properties.ContainsKey("gatehouse:role"));
        Assert.Equal("package", run.Single("Serilog").Properties["nuget:libraryType"]);
    }

    [Fact]
    public void Packages_lock_is_deduplicated_across_frameworks_with_edges()
    {
        var run = Fixture("packages.lock.json", "src/packages.lock.json");
        Assert.Single(run.Packages, p => p.Name == "Humanizer");
        var humanizer = run.Single("Humanizer");
        Assert.Equal("Direct", humanizer.Properties["nuget:dependencyType"]);
        Assert.Contains("pkg:nuget/Humanizer.Core.af@2.14.1|src/packages.lock.json", humanizer.DependsOn);
        Assert.Empty(run.Single("Newtonsoft.Json").DependsOn);
    }

    [Fact]
    public void A_malformed_file_is_a_problem_and_others_still_count()
    {
        var run = LanguageFixtures.Catalog(_cataloger,
            ("a/Broken.deps.json", """{"targets": {}, "libraries": [1, 2]}"""),
            ("b/packages.lock.json", "not json"),
            ("c/packages.lock.json", """{"version":1,"dependencies":{"net8.0":{"Serilog":{"type":"Direct","resolved":"3.1.1"}}}}"""));
        Assert.Equal(2, run.Problems.Count);
        Assert.Equal("Serilog", Assert.Single(run.Packages).Name);
    }

    private LanguageFixtures.Run Fixture(string fixture, string pathInImage) =>
        LanguageFixtures.Catalog(_cataloger, [new KeyValuePair<string, byte[]>(pathInImage, File.ReadAllBytes(RepoPaths.TestData("inventory", "dotnet", fixture)))]);
}
