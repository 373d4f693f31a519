namespace Gatehouse.Sigstore.Tests;

/// <summary>The facts a successful verification exposes for admission policies.</summary>
public sealed class VerifiedSignatureTests
{
    [Fact]
    public void KeylessResultCarriesIdentityIssuerExtensionsAndLogTime()
    {
        var result = BundleFixture.Verify("happy-path-v0.3");

        Assert.True(result.IsVerified, result.ToString());
        var signature = result.Signature!;
        Assert.True(signature.IsKeyless);
        Assert.Equal(BundleFixture.Identity, signature.SignerIdentity);
        Assert.Equal(BundleFixture.Issuer, signature.Issuer);
        Assert.Equal(BundleFixture.Issuer, signature.FulcioExtensions[FulcioExtensionOids.IssuerV1]);
        Assert.Equal(BundleFixture.Issuer, signature.FulcioExtensions[FulcioExtensionOids.Issuer]);
        Assert.Equal(BundleFixture.Identity, signature.FulcioExtensions[FulcioExtensionOids.BuildSignerUri]);
        Assert.Equal("refs/heads/main", signature.FulcioExtensions[FulcioExtensionOids.SourceRepositoryRef]);
        Assert.Equal("https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon",
            signature.FulcioExtensions[FulcioExtensionOids.SourceRepositoryUri]);
        Assert.Equal(SigningTimeSource.TransparencyLogIntegratedTime, signature.SigningTimeSource);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1710869186), signature.SigningTime);
        Assert.Equal(79571823, signature.LogIndex);
        Assert.Equal("https://rekor.sigstore.dev", signature.LogUrl);
        Assert.Equal("messageSignature", signature.ContentType);
    }

    [Fact]
    public void RekorV2ResultTakesItsTimeFromTheTimestampAuthority()
    {
        var result = BundleFixture.Verify("rekor2-happy-path");

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(SigningTimeSource.TimestampAuthority, result.Signature!.SigningTimeSource);
        Assert.Equal(new DateTimeOffset(2025, 6, 12, 12, 2, 20, TimeSpan.Zero), result.Signature.SigningTime);
        Assert.Equal(735, result.Signature.LogIndex);
        Assert.Single(result.Signature.VerifiedTimestamps);
    }

    [Fact]
    public void DsseResultExposesTheVerifiedStatement()
    {
        var result = BundleFixture.Verify("happy-path-intoto-in-dsse-v3");

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal("application/vnd.in-toto+json", result.Signature!.ContentType);
        var statement = System.Text.Encoding.UTF8.GetString(result.Signature.DssePayload!.Value.Span);
        Assert.Contains("https://in-toto.io/Statement/v1", statement, StringComparison.Ordinal);
    }

    [Fact]
    public void ManagedKeyResultHasNoCertificateIdentity()
    {
        var result = ConformanceVerification.Run(ConformanceData.Get("managed-key-happy-path"));

        Assert.True(result.IsVerified, result.ToString());
        Assert.False(result.Signature!.IsKeyless);
        Assert.Null(result.Signature.SignerIdentity);
        Assert.Null(result.Signature.Issuer);
        Assert.Equal(2, result.Signature.VerifiedTimestamps.Count);
    }
}
