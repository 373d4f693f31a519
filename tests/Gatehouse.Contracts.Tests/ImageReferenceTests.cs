using Gatehouse.Contracts;

namespace Gatehouse.Contracts.Tests;

public sealed class ImageReferenceTests
{
    private const string Sha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Sha512Hex =
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

    public static TheoryData<string, string, string, string?, string?> ValidReferences => new()
    {
        // input, registry, repository, tag, digest
        { "debian", "docker.io", "library/debian", null, null },
        { "debian:12", "docker.io", "library/debian", "12", null },
        { "bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", null },
        { "docker.io/debian", "docker.io", "library/debian", null, null },
        { "index.docker.io/library/debian:bookworm-slim", "docker.io", "library/debian", "bookworm-slim", null },
        { "ghcr.io/org/team/app:v1.2.3", "ghcr.io", "org/team/app", "v1.2.3", null },
        { "localhost/app", "localhost", "app", null, null },
        { "localhost:5000/app:dev", "localhost:5000", "app", "dev", null },
        { "127.0.0.1:5000/demo/debian:12", "127.0.0.1:5000", "demo/debian", "12", null },
        { "[::1]:5000/demo/app:1", "[::1]:5000", "demo/app", "1", null },
        { "[2001:db8::1]/app", "[2001:db8::1]", "app", null, null },
        { "Registry.Example.com/app", "Registry.Example.com", "app", null, null },
        { "example.com/a.b/c_d/e__f/g-h/i---j", "example.com", "a.b/c_d/e__f/g-h/i---j", null, null },
        { "example.com/app:_under.score-1", "example.com", "app", "_under.score-1", null },
        { $"debian@sha256:{Sha256Hex}", "docker.io", "library/debian", null, $"sha256:{Sha256Hex}" },
        { $"quay.io/app:1.0@sha256:{Sha256Hex}", "quay.io", "app", "1.0", $"sha256:{Sha256Hex}" },
        { $"quay.io/app@sha512:{Sha512Hex}", "quay.io", "app", null, $"sha512:{Sha512Hex}" },
    };

    [Theory]
    [MemberData(nameof(ValidReferences))]
    public void Parses_and_normalizes_valid_references(string input, string registry, string repository, string? tag, string? digest)
    {
        Assert.True(ImageReference.TryParse(input, out var reference, out var error), error);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(registry + "/" + repository, reference.FullName);
    }

    public static TheoryData<string, string> InvalidReferences => new()
    {
        // input, a fragment the error message must contain
        { "", "empty" },
        { "Debian", "must be lowercase" },
        { "docker.io/library/Debian", "must be lowercase" },
        { "example.com/App/x", "must be lowercase" },
        { "example.com//app", "empty path component" },
        { "example.com/app/", "empty path component" },
        { "debian:", "':' with no tag" },
        { "debian@", "'@' with no digest" },
        { "debian@sha256:abc", "must have 64 hex characters, got 3" },
        { $"debian@sha256:{Sha256Hex}00", "must have 64 hex characters, got 66" },
        { $"debian@sha512:{Sha256Hex}", "must have 128 hex characters, got 64" },
        { $"debian@sha256:{Sha256Hex.ToUpperInvariant()}", "uppercase hex" },
        { $"debian@md5:{Sha256Hex}", "algorithm 'md5' is not supported" },
        { "debian@sha256", "not of the form <algorithm>:<hex>" },
        { $"debian@sha256:{Sha256Hex[..63]}g", "'g', which is not a hex digit" },
        { "debian:" + new string('a', 129), "longer than 128 characters" },
        { "debian:-dash", "must start with a letter, digit or '_'" },
        { "debian:.dot", "must start with a letter, digit or '_'" },
        { "debian:a+b", "contains '+'" },
        { "example.com/a..b", "separator '..'" },
        { "example.com/a___b", "separator '___'" },
        { "example.com/a._b", "separator '._'" },
        { "example.com/-app", "must start and end with a lowercase letter or digit" },
        { "example.com/app-", "must start and end with a lowercase letter or digit" },
        { "example.com/a$b", "contains '$'" },
        { "exa_mple.com/app", "not a valid host name" },
        { "-example.com/app", "not a valid host name" },
        { "example..com/app", "empty label" },
        { "example.com:99999/app", "not a number from 1 to 65535" },
        { "example.com:port/app", "not a number from 1 to 65535" },
        { "[zz::1]:5000/app", "not a valid bracketed IPv6 address" },
        { "[::1/app", "without a closing ']'" },
        { "deb ian", "whitespace" },
        { "a@b@c", "more than one '@'" },
        { Sha256Hex, "ambiguous with an image ID" },
        { "example.com/" + new string('a', 250), "longer than 255 characters" },
        { ":12", "no repository name" },
    };

    [Theory]
    [MemberData(nameof(InvalidReferences))]
    public void Rejects_invalid_references_saying_what_is_wrong(string input, string expectedFragment)
    {
        Assert.False(ImageReference.TryParse(input, out var reference, out var error));
        Assert.Null(reference);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);

        var thrown = Assert.Throws<FormatException>(() => ImageReference.Parse(input));
        Assert.Equal(error, thrown.Message);
    }

    [Theory]
    [InlineData("debian", "docker.io/library/debian")]
    [InlineData("debian:12", "docker.io/library/debian:12")]
    [InlineData("index.docker.io/bitnami/redis", "docker.io/bitnami/redis")]
    [InlineData("127.0.0.1:5000/demo/debian:12@sha256:" + Sha256Hex, "127.0.0.1:5000/demo/debian:12@sha256:" + Sha256Hex)]
    public void ToString_is_canonical_and_round_trips(string input, string canonical)
    {
        var reference = ImageReference.Parse(input);
        Assert.Equal(canonical, reference.ToString());
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
    }

    [Theory]
    [InlineData("debian", "debian")]
    [InlineData("docker.io/library/debian:12", "debian")]
    [InlineData("bitnami/redis", "bitnami/redis")]
    [InlineData("docker.io/library/sub/path", "library/sub/path")]
    [InlineData("ghcr.io/org/app", "ghcr.io/org/app")]
    public void FamiliarName_drops_the_docker_hub_defaults(string input, string familiar) =>
        Assert.Equal(familiar, ImageReference.Parse(input).FamiliarName);

    [Fact]
    public void WithDigest_pins_the_reference_and_keeps_the_tag()
    {
        var pinned = ImageReference.Parse("ghcr.io/org/app:1.0").WithDigest("sha256:" + Sha256Hex);

        Assert.Equal("sha256:" + Sha256Hex, pinned.Digest);
        Assert.Equal("1.0", pinned.Tag);
        Assert.Equal("sha256:" + Sha256Hex, pinned.ManifestReference);
        Assert.Equal("ghcr.io/org/app:1.0@sha256:" + Sha256Hex, pinned.ToString());
    }

    [Fact]
    public void WithDigest_rejects_a_malformed_digest()
    {
        var error = Assert.Throws<FormatException>(() => ImageReference.Parse("app").WithDigest("sha256:ABC"));
        Assert.Contains("uppercase", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app", "latest")]
    [InlineData("app:1.2", "1.2")]
    public void ManifestReference_falls_back_to_the_tag_then_latest(string input, string expected) =>
        Assert.Equal(expected, ImageReference.Parse(input).ManifestReference);

    [Fact]
    public void Create_normalizes_message_fields_like_Parse()
    {
        var created = ImageReference.Create("index.docker.io", "debian", "12", "sha256:" + Sha256Hex);

        Assert.Equal(ImageReference.Parse("debian:12@sha256:" + Sha256Hex), created);
    }

    [Theory]
    [InlineData("127.0.0.1:5000", "Demo/App", null, "must be lowercase")]
    [InlineData("bad host", "app", null, "not a valid host name")]
    [InlineData("127.0.0.1:5000", "app", "-x", "must start with")]
    public void Create_rejects_invalid_fields(string registry, string repository, string? tag, string fragment)
    {
        var error = Assert.Throws<FormatException>(() => ImageReference.Create(registry, repository, tag));
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_references_compare_equal_by_value()
    {
        Assert.Equal(ImageReference.Parse("debian:12"), ImageReference.Parse("docker.io/library/debian:12"));
        Assert.NotEqual(ImageReference.Parse("debian:12"), ImageReference.Parse("debian:11"));
    }

    [Fact]
    public void ContentDigest_hashes_like_sha256sum_and_checks_content()
    {
        var empty = ContentDigest.ComputeSha256([]);

        Assert.Equal("sha256:" + Sha256Hex, empty.ToString()); // sha256 of no bytes
        Assert.True(empty.Matches([]));
        Assert.False(empty.Matches("x"u8));
        Assert.Equal("sha512:" + Sha512Hex, ContentDigest.ComputeSha512([]).ToString());
        Assert.True(ContentDigest.Parse("sha512:" + Sha512Hex).Matches([]));
    }
}
