using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Sigstore.Tests;

/// <summary>Passing conformance bundles, tampered one way at a time; each must fail with the specific reason.</summary>
public sealed class TamperingTests
{
    private const string MessageCase = "happy-path-v0.3";
    private const string DsseCase = "happy-path-intoto-in-dsse-v3";
    private const string RekorV2Case = "rekor2-happy-path";

    [Fact]
    public void UntamperedBundleVerifies()
    {
        var result = BundleFixture.Verify(MessageCase);

        Assert.True(result.IsVerified, result.ToString());
    }

    [Fact]
    public void ChangedArtifactIsCaughtByTheMessageDigest()
    {
        var artifact = ArtifactInput.FromBytes(Encoding.UTF8.GetBytes("not the signed artifact\n"));

        var result = BundleFixture.Verify(MessageCase, artifact: artifact);

        Assert.Equal(VerificationFailureReason.ArtifactDigestMismatch, result.Reason);
    }

    [Fact]
    public void ChangedArtifactFailsTheSignatureWhenTheDigestHintIsRemoved()
    {
        var bundle = BundleFixture.BundleJson(MessageCase);
        bundle["messageSignature"]!.AsObject().Remove("messageDigest");
        var artifact = ArtifactInput.FromBytes(Encoding.UTF8.GetBytes("not the signed artifact\n"));

        var result = BundleFixture.Verify(MessageCase, bundle, artifact);

        Assert.Equal(VerificationFailureReason.SignatureInvalid, result.Reason);
    }

    [Fact]
    public void ChangedDssePayloadFailsTheEnvelopeSignature()
    {
        var bundle = BundleFixture.BundleJson(DsseCase);
        var envelope = bundle["dsseEnvelope"]!;
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(envelope["payload"]!.GetValue<string>()));
        envelope["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("a.txt", "b.txt", StringComparison.Ordinal)));

        var result = BundleFixture.Verify(DsseCase, bundle);

        Assert.Equal(VerificationFailureReason.SignatureInvalid, result.Reason);
    }

    [Fact]
    public void ArtifactDigestInputMatchingTheSignatureVerifies()
    {
        Assert.True(ArtifactInput.TryParseDigest("sha256:" + BundleFixture.Sha256Hex(BundleFixture.Artifact(MessageCase)), out var digest));

        var result = BundleFixture.Verify(MessageCase, artifact: digest);

        Assert.True(result.IsVerified, result.ToString());
    }

    [Fact]
    public void SwappedArtifactDigestIsRejected()
    {
        var otherDigest = SHA256.HashData(Encoding.UTF8.GetBytes("another artifact"));

        var result = BundleFixture.Verify(MessageCase, artifact: ArtifactInput.FromDigest(HashAlgorithmName.SHA256, otherDigest));

        Assert.Equal(VerificationFailureReason.ArtifactDigestMismatch, result.Reason);
    }

    [Fact]
    public void DsseStatementMustNameTheArtifact()
    {
        var result = BundleFixture.Verify(DsseCase, artifact: ArtifactInput.FromBytes(Encoding.UTF8.GetBytes("other")));

        Assert.Equal(VerificationFailureReason.ArtifactDigestMismatch, result.Reason);
    }

    [Fact]
    public void DifferentIdentityIsRejected()
    {
        var policy = KeylessPolicy.ForExact("https://github.com/someone-else/repo/.github/workflows/release.yml@refs/heads/main", BundleFixture.Issuer);

        var result = BundleFixture.Verify(MessageCase, policy: policy);

        Assert.Equal(VerificationFailureReason.IdentityMismatch, result.Reason);
    }

    [Fact]
    public void DifferentIssuerIsRejected()
    {
        var policy = KeylessPolicy.ForExact(BundleFixture.Identity, "https://accounts.google.com");

        var result = BundleFixture.Verify(MessageCase, policy: policy);

        Assert.Equal(VerificationFailureReason.IssuerMismatch, result.Reason);
    }

    [Fact]
    public void IdentityRegexMatchesTheWholeSan()
    {
        var policy = new KeylessPolicy(
            IdentityMatcher.Regex(@"https://github\.com/sigstore-conformance/[^/]+/\.github/workflows/.+@refs/heads/main"),
            IdentityMatcher.Regex(@"https://token\.actions\.githubusercontent\.com"));

        var result = BundleFixture.Verify(MessageCase, policy: policy);

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(BundleFixture.Identity, result.Signature!.SignerIdentity);
    }

    [Fact]
    public void IdentityRegexIsAnchoredSoAPrefixDoesNotMatch()
    {
        var policy = new KeylessPolicy(
            IdentityMatcher.Regex(@"https://github\.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon"),
            IdentityMatcher.Exact(BundleFixture.Issuer));

        var result = BundleFixture.Verify(MessageCase, policy: policy);

        Assert.Equal(VerificationFailureReason.IdentityMismatch, result.Reason);
    }

    [Fact]
    public void CertificateOutsideItsValidityAtTheLogTimeIsRejected()
    {
        var result = ConformanceVerification.Run(ConformanceData.Get("intoto-expired-certificate_fail"));

        Assert.Equal(VerificationFailureReason.CertificateNotValidAtSigningTime, result.Reason);
    }

    [Fact]
    public void CertificateAuthorityExpiredBeforeTheSigningTimeIsRejected()
    {
        var rootJson = JsonNode.Parse(File.ReadAllBytes(ConformanceData.PublicGoodTrustedRoot))!;
        foreach (var authority in rootJson["certificateAuthorities"]!.AsArray())
        {
            authority!["validFor"]!["end"] = "2022-12-31T23:59:59Z";
        }

        var root = TrustedRoot.Parse(Encoding.UTF8.GetBytes(rootJson.ToJsonString()));

        var result = BundleFixture.Verify(MessageCase, root: root);

        Assert.Equal(VerificationFailureReason.CertificateNotTrusted, result.Reason);
    }

    [Fact]
    public void RekorV2EntryWithoutTimestampHasNoTrustedSigningTime()
    {
        var bundle = BundleFixture.BundleJson(RekorV2Case);
        bundle["verificationMaterial"]!.AsObject().Remove("timestampVerificationData");

        var result = BundleFixture.Verify(RekorV2Case, bundle);

        Assert.Equal(VerificationFailureReason.TimestampMissing, result.Reason);
    }

    [Fact]
    public void LogEntryFromAnotherInstanceIsRejected()
    {
        var stagingRoot = BundleFixture.RootFor(RekorV2Case);

        var result = BundleFixture.Verify(MessageCase, root: stagingRoot);

        Assert.Equal(VerificationFailureReason.TransparencyLogUnknown, result.Reason);
    }

    [Fact]
    public void AlteredIntegratedTimeBreaksTheSignedEntryTimestamp()
    {
        var bundle = BundleFixture.BundleJson(MessageCase);
        var entry = bundle["verificationMaterial"]!["tlogEntries"]![0]!;
        entry["integratedTime"] = (long.Parse(entry["integratedTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) + 60)
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = BundleFixture.Verify(MessageCase, bundle);

        Assert.Equal(VerificationFailureReason.InclusionPromiseInvalid, result.Reason);
    }

    [Fact]
    public void MissingLogEntryIsRejected()
    {
        var bundle = BundleFixture.BundleJson(MessageCase);
        bundle["verificationMaterial"]!["tlogEntries"] = new JsonArray();

        var result = BundleFixture.Verify(MessageCase, bundle);

        Assert.Equal(VerificationFailureReason.TransparencyLogEntryMissing, result.Reason);
    }

    [Fact]
    public void LogEntryRecordingAnotherSignerIsRejected()
    {
        var bundle = BundleFixture.BundleJson(MessageCase);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = Encoding.UTF8.GetBytes(other.ExportSubjectPublicKeyInfoPem());
        BundleFixture.EditEntryBody(bundle, body =>
            body["spec"]!["signature"]!["publicKey"]!["content"] = Convert.ToBase64String(pem));

        var result = BundleFixture.Verify(MessageCase, bundle);

        Assert.Equal(VerificationFailureReason.TransparencyLogEntryMismatch, result.Reason);
    }

    [Fact]
    public void MalformedCertificateDerIsRejected()
    {
        var bundle = BundleFixture.BundleJson(MessageCase);
        var certificate = bundle["verificationMaterial"]!["certificate"]!;
        var der = Convert.FromBase64String(certificate["rawBytes"]!.GetValue<string>());
        certificate["rawBytes"] = Convert.ToBase64String(der.AsSpan(0, der.Length / 2));

        var result = BundleFixture.Verify(MessageCase, bundle);

        Assert.Equal(VerificationFailureReason.CertificateMalformed, result.Reason);
    }

    [Fact]
    public void MalformedTimestampIsRejected()
    {
        var bundle = BundleFixture.BundleJson(RekorV2Case);
        var timestamp = bundle["verificationMaterial"]!["timestampVerificationData"]!["rfc3161Timestamps"]![0]!;
        var der = Convert.FromBase64String(timestamp["signedTimestamp"]!.GetValue<string>());
        timestamp["signedTimestamp"] = Convert.ToBase64String(der.AsSpan(0, der.Length - 10));

        var result = BundleFixture.Verify(RekorV2Case, bundle);

        Assert.Equal(VerificationFailureReason.TimestampInvalid, result.Reason);
    }

    [Fact]
    public void LogEntryBodyThatIsNotJsonIsRejected()
    {
        var bundle = BundleFixture.BundleJson(MessageCase);
        bundle["verificationMaterial"]!["tlogEntries"]![0]!["canonicalizedBody"] = Convert.ToBase64String("{not json"u8.ToArray());

        var result = BundleFixture.Verify(MessageCase, bundle);

        Assert.Equal(VerificationFailureReason.TransparencyLogEntryInvalid, result.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void TruncatedBundleIsMalformed(int cut)
    {
        var bytes = File.ReadAllBytes(ConformanceData.Get(MessageCase).BundlePath);
        var truncated = bytes.AsMemory(0, cut switch { 0 => 0, 1 => bytes.Length / 2, _ => bytes.Length - 2 });

        var result = new SigstoreVerifier(BundleFixture.RootFor(MessageCase))
            .Verify(truncated, ArtifactInput.FromBytes(BundleFixture.Artifact(MessageCase)), BundleFixture.DefaultPolicy);

        Assert.Equal(VerificationFailureReason.BundleMalformed, result.Reason);
    }

    [Fact]
    public void ManagedKeyBundleRejectsAnotherKey()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var policy = PublicKeyPolicy.FromPem(other.ExportSubjectPublicKeyInfoPem());

        var result = BundleFixture.Verify("managed-key-happy-path", policy: policy);

        Assert.Equal(VerificationFailureReason.SignatureInvalid, result.Reason);
    }

    [Fact]
    public void KeyPolicyRejectsAKeylessBundle()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var result = BundleFixture.Verify(MessageCase, policy: PublicKeyPolicy.FromPem(other.ExportSubjectPublicKeyInfoPem()));

        Assert.Equal(VerificationFailureReason.VerificationMaterialMismatch, result.Reason);
    }

    [Fact]
    public void MalformedPublicKeyPemIsRejectedAtPolicyConstruction()
    {
        const string pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";

        Assert.Throws<ArgumentException>(() => PublicKeyPolicy.FromPem(pem));
        Assert.Throws<ArgumentException>(() => PublicKeyPolicy.FromPem("not a pem"));
    }
}
