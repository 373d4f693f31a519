using Gatehouse.Scanner.Advisories.Ecosystems;
using Gatehouse.Scanner.Advisories.Sources;

namespace Gatehouse.Scanner.Advisories.Tests;

public sealed class EcosystemTests
{
    [Theory]
    // PEP 503: lower case, runs of -_. collapse to one '-'.
    [InlineData("PyPI", "Products.PluggableAuthService", "PyPI", "products-pluggableauthservice")]
    [InlineData("PyPI", "zope__interface", "PyPI", "zope-interface")]
    [InlineData("PyPI", "a-._b", "PyPI", "a-b")]
    // npm: lower case, scope kept.
    [InlineData("npm", "@Babel/Core", "npm", "@babel/core")]
    // Maven: group:artifact, case kept; the purl form is accepted.
    [InlineData("Maven", "org.Apache:Log4J", "Maven", "org.Apache:Log4J")]
    [InlineData("Maven", "org.apache.logging.log4j/log4j-core", "Maven", "org.apache.logging.log4j:log4j-core")]
    [InlineData("Maven:https://maven.google.com", "androidx.core:core", "Maven", "androidx.core:core")]
    // NuGet: case-insensitive.
    [InlineData("NuGet", "Newtonsoft.Json", "NuGet", "newtonsoft.json")]
    // Go: module paths are case-sensitive.
    [InlineData("Go", "github.com/BurntSushi/toml", "Go", "github.com/BurntSushi/toml")]
    // Distros: release canonicalized, source name cleaned of dpkg decorations.
    [InlineData("Debian:12", "OpenSSL (3.0.11-1)", "Debian:12", "openssl")]
    [InlineData("debian:12.5", "libc6:amd64", "Debian:12", "libc6")]
    [InlineData("Ubuntu:22.04:LTS", "linux", "Ubuntu:22.04", "linux")]
    [InlineData("Ubuntu:Pro:18.04:LTS", "linux", "Ubuntu:Pro:18.04", "linux")]
    [InlineData("Alpine:v3.19", "openssl", "Alpine:v3.19", "openssl")]
    [InlineData("Alpine:3.19.1", "openssl", "Alpine:v3.19", "openssl")]
    [InlineData("Red Hat:rhel_aus:8.6::appstream", "NetworkManager", "Red Hat:rhel_aus:8.6::appstream", "NetworkManager")]
    // Unknown ecosystems are filed as written.
    [InlineData("Julia", "HTTP", "Julia", "HTTP")]
    public void Names_and_ecosystems_normalize_to_one_key(string ecosystem, string name, string keyEcosystem, string keyName)
    {
        Assert.Equal(new PackageKey(keyEcosystem, keyName), EcosystemRegistry.BuiltIn.KeyOf(ecosystem, name));
    }

    [Theory]
    [InlineData("Debian:12", "openssl", "pkg:deb/debian/openssl")]
    [InlineData("Ubuntu:22.04:LTS", "openssl", "pkg:deb/ubuntu/openssl")]
    [InlineData("Alpine:v3.19", "busybox", "pkg:apk/alpine/busybox")]
    [InlineData("npm", "@scope/Name", "pkg:npm/%40scope/name")]
    [InlineData("npm", "lodash", "pkg:npm/lodash")]
    [InlineData("PyPI", "Django_REST", "pkg:pypi/django-rest")]
    [InlineData("Maven", "org.apache.logging.log4j:log4j-core", "pkg:maven/org.apache.logging.log4j/log4j-core")]
    [InlineData("Go", "golang.org/x/net", "pkg:golang/golang.org/x/net")]
    [InlineData("Go", "stdlib", "pkg:golang/stdlib")]
    [InlineData("NuGet", "Newtonsoft.Json", "pkg:nuget/newtonsoft.json")]
    [InlineData("Packagist", "contao/core-bundle", "pkg:composer/contao/core-bundle")]
    [InlineData("crates.io", "sized-chunks", "pkg:cargo/sized-chunks")]
    [InlineData("RubyGems", "activesupport", "pkg:gem/activesupport")]
    public void Package_identities_are_versionless_purls(string ecosystem, string name, string identity)
    {
        Assert.Equal(identity, EcosystemRegistry.BuiltIn.IdentityOf(ecosystem, name));
    }

    [Fact]
    public void Plugin_lists_reject_duplicate_names_at_start_up()
    {
        Assert.Contains("duplicate ecosystem name 'npm'",
            Assert.Throws<ArgumentException>(() => new EcosystemRegistry([new NpmEcosystem(), new NpmEcosystem()])).Message, StringComparison.Ordinal);
        Assert.Contains("duplicate advisory source name 'osv-zip'",
            Assert.Throws<ArgumentException>(() => new AdvisorySources([new OsvZipSource(), new OsvZipSource()])).Message, StringComparison.Ordinal);
        Assert.Equal(["osv-mirror", "osv-zip", "osv-directory"], AdvisorySources.BuiltIn.All.Select(s => s.Name));
    }

    [Fact]
    public void Every_builtin_ecosystem_is_known_to_the_osv_schema()
    {
        string[] schemaEcosystems = [.. System.Text.Json.JsonDocument.Parse(File.ReadAllText(Gatehouse.Testing.RepoPaths.TestData("osv", "schema", "ecosystems.json")))
            .RootElement.EnumerateObject().Select(p => p.Name)];

        Assert.All(EcosystemRegistry.BuiltIn.Ecosystems, e => Assert.Contains(e.Name, schemaEcosystems));
    }

    [Fact]
    public void Rules_version_changes_when_an_ecosystem_is_added()
    {
        var two = new EcosystemRegistry([new NpmEcosystem(), new PyPiEcosystem()]);
        var three = new EcosystemRegistry([new NpmEcosystem(), new PyPiEcosystem(), new GoEcosystem()]);

        Assert.NotEqual(two.RulesVersion, three.RulesVersion);
        Assert.Equal(two.RulesVersion, new EcosystemRegistry([new PyPiEcosystem(), new NpmEcosystem()]).RulesVersion);
    }
}
