using Gatehouse.Scanner.Catalogers.Npm;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Tests.Catalogers.Npm;

public sealed class NpmCatalogerTests
{
    private readonly NpmCataloger _cataloger = new();

    public static TheoryData<string> Fixtures() => LanguageFixtures.Fixtures("npm");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Expected_packages_tsv_rows(string fixture)
    {
        Assert.Equal(LanguageFixtures.Expected(fixture), LanguageFixtures.Catalog(_cataloger, fixture));
    }

    [Theory]
    [InlineData("app/node_modules/left-pad/package.json", FileInterest.Content)]
    [InlineData("node_modules/@types/node/package.json", FileInterest.Content)]
    [InlineData("app/node_modules/left-pad/dist/esm/package.json", FileInterest.None)]
    [InlineData("app/package.json", FileInterest.None)]
    [InlineData("app/package-lock.json", FileInterest.Content)]
    [InlineData("app/npm-shrinkwrap.json", FileInterest.Content)]
    [InlineData("app/node_modules/x/package-lock.json", FileInterest.None)]
    [InlineData("app/node_modules/.package-lock.json", FileInterest.None)]
    public void Selects_package_roots_and_lock_files(string path, FileInterest expected)
    {
        Assert.Equal(expected, _cataloger.Select(new FileCandidate(path, 10, UnixFileMode.UserRead, 0)));
    }

    [Fact]
    public void Lock_v2_root_is_the_application_and_edges_follow_install_paths()
    {
        var run = LanguageFixtures.Catalog(_cataloger, ("srv/package-lock.json", """
            {"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{
              "":{"name":"app","version":"1.0.0","dependencies":{"a":"^1","b":"^1"},"devDependencies":{"jest":"*"}},
              "node_modules/a":{"version":"1.0.0","dependencies":{"b":"^2"}},
              "node_modules/a/node_modules/b":{"version":"2.0.0"},
              "node_modules/b":{"version":"1.0.0","license":"MIT"},
              "node_modules/jest":{"version":"29.0.0","dev":true},
              "node_modules/alias":{"name":"@scope/real","version":"3.0.0"}
            }}
            """));
        Assert.Empty(run.Problems);
        Assert.DoesNotContain(run.Packages, p => p.Name == "jest");
        var app = run.Single("app");
        Assert.Equal("application", app.Properties["gatehouse:role"]);
        Assert.Equal(["pkg:npm/a@1.0.0|srv/package-lock.json", "pkg:npm/b@1.0.0|srv/package-lock.json"], app.DependsOn);
        Assert.Equal(["pkg:npm/b@2.0.0|srv/package-lock.json"], run.Single("a").DependsOn);
        Assert.Equal(["MIT"], run.Packages.Single(p => p.Name == "b" && p.Version == "1.0.0").Licenses);
        Assert.Equal("pkg:npm/%40scope/real@3.0.0", run.Single("@scope/real").Purl);
    }

    [Fact]
    public void Lock_v1_requires_resolve_through_nested_scopes_and_aliases()
    {
        var run = LanguageFixtures.Catalog(_cataloger, ("package-lock.json", """
            {"lockfileVersion":1,"dependencies":{
              "top":{"version":"1.0.0","requires":{"shared":"^1","renamed":"npm:real@^2"},
                "dependencies":{"shared":{"version":"1.5.0"}}},
              "shared":{"version":"2.0.0"},
              "renamed":{"version":"npm:real@2.1.0"},
              "tooling":{"version":"1.0.0","dev":true,"dependencies":{"inner":{"version":"1.0.0"}}}
            }}
            """));
        Assert.Equal(
            ["pkg:npm/real@2.1.0|package-lock.json", "pkg:npm/shared@1.5.0|package-lock.json"],
            run.Single("top").DependsOn.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(run.Packages, p => p.Name is "inner" or "tooling" or "renamed");
        Assert.DoesNotContain(run.Packages, p => p.Properties.ContainsKey("gatehouse:role"));
    }

    [Fact]
    public void Installed_packages_link_to_what_node_would_load()
    {
        var run = LanguageFixtures.Catalog(_cataloger,
            ("app/node_modules/a/package.json", """{"name":"a","version":"1.0.0","license":{"type":"ISC"},"dependencies":{"b":"*","c":"*"}}"""),
            ("app/node_modules/a/node_modules/b/package.json", """{"name":"b","version":"2.0.0"}"""),
            ("app/node_modules/b/package.json", """{"name":"b","version":"1.0.0","licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]}"""),
            ("app/node_modules/c/package.json", """{"name":"c","version":"3.0.0","dependencies":{"b":"*","missing":"*"}}"""));
        Assert.Equal(
            ["pkg:npm/b@2.0.0|app/node_modules/a/node_modules/b/package.json", "pkg:npm/c@3.0.0|app/node_modules/c/package.json"],
            run.Single("a").DependsOn);
        Assert.Equal(["pkg:npm/b@1.0.0|app/node_modules/b/package.json"], run.Single("c").DependsOn);
        Assert.Equal(["ISC"], run.Single("a").Licenses);
        Assert.Equal(["MIT", "Apache-2.0"], run.Packages.Single(p => p.Version == "1.0.0" && p.Name == "b").Licenses);
    }

    [Fact]
    public void Malformed_files_are_problems_and_the_rest_is_still_catalogued()
    {
        var run = LanguageFixtures.Catalog(_cataloger,
            ("a/package-lock.json", """{"lockfileVersion":2,"packages":{"""),
            ("b/package-lock.json", """{"lockfileVersion":"seven"}"""),
            ("node_modules/ok/package.json", """{"name":"ok","version":"1.0.0"}"""));
        Assert.Equal(["a/package-lock.json", "b/package-lock.json"], run.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(run.Problems, p => Assert.Equal(ProblemCodes.MalformedMetadata, p.Code));
        Assert.Equal("ok", Assert.Single(run.Packages).Name);
    }
}
