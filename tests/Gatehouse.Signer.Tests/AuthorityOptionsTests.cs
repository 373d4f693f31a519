using Gatehouse.Signer.Authorities;
using Gatehouse.Sigstore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Signer.Tests;

/// <summary>Trust policies from configuration: what start-up rejects, and the trust-root version.</summary>
public sealed class AuthorityOptionsTests : IDisposable
{
    private readonly TestSigstoreInstance _sigstore = new();

    private static IReadOnlyList<string> Errors(SignerOptions options)
    {
        var result = new SignerOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    private SignerOptions Keyless(string? identity, string? issuer, string? identityRegex = null, string? root = "")
    {
        var options = new SignerOptions();
        options.Authorities["ci"] = new AuthorityOptions
        {
            Keyless = new KeylessAuthorityOptions
            {
                Identity = identity, IdentityRegex = identityRegex, Issuer = issuer, TrustedRoot = root == "" ? _sigstore.TrustedRootPath : root,
            },
        };
        return options;
    }

    [Theory]
    [InlineData(null, "https://issuer.test")]
    [InlineData("ci@gatehouse.test", null)]
    [InlineData(null, null)]
    [InlineData(" ", "https://issuer.test")]
    public void A_keyless_authority_without_identity_and_issuer_is_rejected(string? identity, string? issuer)
    {
        var error = Assert.Single(Errors(Keyless(identity, issuer)));

        Assert.Contains("Gatehouse:Signer:Authorities:ci:Keyless needs both a certificate identity", error, StringComparison.Ordinal);
        Assert.Contains("accept signatures from anyone", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_identity_pattern_that_matches_anything_is_rejected()
    {
        var error = Assert.Single(Errors(Keyless(null, "https://issuer.test", identityRegex: ".*")));

        Assert.Contains("matches the empty string", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keyless_authority_needs_a_trusted_root_that_loads()
    {
        Assert.Contains("TrustedRoot is required", Assert.Single(Errors(Keyless("ci@gatehouse.test", "https://issuer.test", root: null))), StringComparison.Ordinal);
        Assert.Contains("not a usable trusted root", Assert.Single(Errors(Keyless("ci@gatehouse.test", "https://issuer.test", root: "/nonexistent/root.json"))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_public_key_is_rejected()
    {
        var options = new SignerOptions();
        options.Authorities["release"] = new AuthorityOptions { Key = new KeyAuthorityOptions { PublicKeyPem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" } };

        Assert.Contains("Authorities:release:Key: not a supported PEM public key", Assert.Single(Errors(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_authority_must_be_keyless_or_key_but_not_both()
    {
        var options = Keyless("ci@gatehouse.test", "https://issuer.test");
        options.Authorities["ci"].Key = new KeyAuthorityOptions { PublicKeyPem = TestKeys.EcdsaP256().PublicPem };

        Assert.Contains("exactly one of Keyless or Key", Assert.Single(Errors(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_trust_root_version_is_a_content_hash_of_the_trust_material()
    {
        var key = TestKeys.EcdsaP256();
        SignerOptions Options(string pem)
        {
            var options = Keyless("ci@gatehouse.test", "https://issuer.test");
            options.Authorities["release"] = new AuthorityOptions { Key = new KeyAuthorityOptions { PublicKeyPem = pem } };
            return options;
        }

        var first = TrustAuthorities.Load(Options(key.PublicPem)).Version;
        var again = TrustAuthorities.Load(Options(key.PublicPem)).Version;
        var otherKey = TrustAuthorities.Load(Options(TestKeys.EcdsaP256().PublicPem)).Version;

        Assert.Matches("^sha256:[0-9a-f]{64}$", first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherKey);
    }

    [Fact]
    public void The_service_refuses_to_start_with_an_open_keyless_policy()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gatehouse:Signer:Authorities:ci:Keyless:Issuer"] = "https://token.actions.githubusercontent.com",
            ["Gatehouse:Signer:Authorities:ci:Keyless:TrustedRoot"] = _sigstore.TrustedRootPath,
        });
        builder.AddSigner();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SignerOptions>>().Value);

        Assert.Contains("needs both a certificate identity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keyless_policies_reject_empty_identities_in_the_library_too()
    {
        Assert.Throws<ArgumentException>(() => KeylessPolicy.ForExact("", "https://issuer.test"));
    }

    public void Dispose() => _sigstore.Dispose();
}
