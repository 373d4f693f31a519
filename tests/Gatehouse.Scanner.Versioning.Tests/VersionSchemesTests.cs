namespace Gatehouse.Scanner.Versioning.Tests;

public class VersionSchemesTests
{
    [Fact]
    public void Built_in_list_has_every_scheme_once()
    {
        string[] names = VersionSchemes.BuiltIn.Schemes.Select(s => s.Name).ToArray();
        Assert.Equal(
            ["apk", "dpkg", "generic", "maven", "nuget", "pep440", "rpm", "rubygems", "semver", "semver-cargo", "semver-go", "semver-loose"],
            names);
        Assert.All(VersionSchemes.BuiltIn.Schemes, s => Assert.False(string.IsNullOrWhiteSpace(s.Version)));
    }

    [Fact]
    public void Built_in_dpkg_and_apk_are_the_strict_variants()
    {
        Assert.True(VersionSchemes.BuiltIn.TryGet("dpkg", out IVersionScheme? dpkg));
        Assert.Equal(DpkgParseMode.Strict, Assert.IsType<DpkgVersionScheme>(dpkg).Mode);
        Assert.True(VersionSchemes.BuiltIn.TryGet("apk", out IVersionScheme? apk));
        Assert.False(Assert.IsType<ApkVersionScheme>(apk).IsLenient);
    }

    [Theory]
    [InlineData("deb", "dpkg")]
    [InlineData("alpine", "apk")]
    [InlineData("npm", "semver")]
    [InlineData("go", "semver-go")]
    [InlineData("golang", "semver-go")]
    [InlineData("cargo", "semver-cargo")]
    [InlineData("crates.io", "semver-cargo")]
    [InlineData("pypi", "pep440")]
    [InlineData("gem", "rubygems")]
    [InlineData("composer", "generic")]
    [InlineData("PyPI", "pep440")] // case-insensitive
    [InlineData("Maven", "maven")]
    public void Resolves_names_and_aliases(string lookup, string expected)
    {
        Assert.True(VersionSchemes.BuiltIn.TryGet(lookup, out IVersionScheme? scheme));
        Assert.Equal(expected, scheme.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("debian-ish")]
    [InlineData(null)]
    public void Unknown_names_are_not_found(string? lookup)
    {
        Assert.False(VersionSchemes.BuiltIn.TryGet(lookup!, out IVersionScheme? scheme));
        Assert.Null(scheme);
    }

    [Fact]
    public void Rejects_duplicate_scheme_names()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => new VersionSchemes([RpmVersionScheme.Default, new RpmVersionScheme()]));
        Assert.Contains("duplicate version scheme name 'rpm'", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_duplicate_names_differing_only_in_case()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => new VersionSchemes([DpkgVersionScheme.Strict, new NamedOnlyScheme("DPKG")]));
        Assert.Contains("'DPKG'", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_distinct_custom_schemes()
    {
        var registry = new VersionSchemes([new NamedOnlyScheme("b"), new NamedOnlyScheme("a")], new Dictionary<string, string> { ["alias"] = "b" });
        Assert.Equal(["a", "b"], registry.Schemes.Select(s => s.Name));
        Assert.True(registry.TryGet("ALIAS", out IVersionScheme? scheme));
        Assert.Equal("b", scheme.Name);
    }

    [Fact]
    public void Rejects_aliases_that_collide_or_dangle()
    {
        Assert.Throws<ArgumentException>(() => new VersionSchemes([RpmVersionScheme.Default], new Dictionary<string, string> { ["RPM"] = "rpm" }));
        Assert.Throws<ArgumentException>(() => new VersionSchemes([RpmVersionScheme.Default], new Dictionary<string, string> { ["redhat"] = "dpkg" }));
    }

    [Theory]
    [InlineData("Debian", "dpkg")]
    [InlineData("Debian:12", "dpkg")]
    [InlineData("Ubuntu:Pro:18.04:LTS", "dpkg")]
    [InlineData("Alpine:v3.19", "apk")]
    [InlineData("Wolfi", "apk")]
    [InlineData("Red Hat:rhel_aus:8.4::appstream", "rpm")]
    [InlineData("Rocky Linux:9", "rpm")]
    [InlineData("AlmaLinux:8", "rpm")]
    [InlineData("npm", "semver")]
    [InlineData("Go", "semver-go")]
    [InlineData("crates.io", "semver-cargo")]
    [InlineData("PyPI", "pep440")]
    [InlineData("Maven:https://maven.google.com", "maven")]
    [InlineData("NuGet", "nuget")]
    [InlineData("RubyGems", "rubygems")]
    [InlineData("Packagist", "generic")]
    [InlineData("Root:Alpine:3.18", "apk")]
    [InlineData("Root:PyPI", "pep440")]
    public void Maps_osv_ecosystems(string ecosystem, string expected)
    {
        Assert.True(VersionSchemes.BuiltIn.TryGetForOsvEcosystem(ecosystem, out IVersionScheme? scheme));
        Assert.Equal(expected, scheme.Name);
    }

    [Theory]
    [InlineData("Hackage")]
    [InlineData("GIT")]
    [InlineData("")]
    [InlineData(":12")]
    public void Unmapped_osv_ecosystems_are_not_guessed(string ecosystem) =>
        Assert.False(VersionSchemes.BuiltIn.TryGetForOsvEcosystem(ecosystem, out _));

    [Fact]
    public void Every_ecosystem_in_the_shared_osv_records_is_mapped()
    {
        IEnumerable<string> ecosystems = TestData.ReadTsv(TestData.PathOf(Path.Combine("osv", "records-index.tsv")))
            .SelectMany(row => row.Fields[2].Split(';'))
            .Where(e => e != "(none)" && e.Length > 0)
            .Distinct(StringComparer.Ordinal);
        Assert.All(ecosystems, e => Assert.True(VersionSchemes.BuiltIn.TryGetForOsvEcosystem(e, out _), e));
    }

    [Fact]
    public void Every_mapped_osv_ecosystem_names_a_built_in_scheme() =>
        Assert.All(OsvEcosystems.SchemeNames, pair => Assert.True(VersionSchemes.BuiltIn.TryGet(pair.Value, out _), pair.Key));

    [Fact]
    public void Comparing_versions_of_different_schemes_is_a_programming_error()
    {
        Assert.True(DpkgVersionScheme.Strict.TryParse("1.0", out IComparableVersion? dpkg, out _));
        Assert.True(RpmVersionScheme.Default.TryParse("1.0", out IComparableVersion? rpm, out _));
        Assert.Throws<ArgumentException>(() => dpkg.CompareTo(rpm));
        Assert.Equal(1, dpkg.CompareTo(null));
    }

    // Only its name matters to the registry.
    private sealed class NamedOnlyScheme(string name) : IVersionScheme
    {
        public string Name => name;

        public string Version => "test";

        public bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IComparableVersion? version, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
        {
            version = null;
            error = "not implemented";
            return false;
        }

        public bool TryCompare(string a, string b, out int sign, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
        {
            sign = 0;
            error = "not implemented";
            return false;
        }

        public int Compare(string a, string b) => throw new InvalidVersionException(Name, "a", a, "not implemented");
    }
}
