using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Oci;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Gatehouse.Sigstore;

namespace Gatehouse.Signer.Signing;

/// <summary>A vulnerability scan to attest with cosign's vuln predicate (https://cosign.sigstore.dev/attestation/vuln/v1).</summary>
/// <param name="Result">The scanner's report as JSON (goes into <c>scanner.result</c>).</param>
public sealed record VulnerabilityScan(
    string ScannerUri, string ScannerVersion, string DatabaseUri, string DatabaseVersion, byte[] Result, DateTimeOffset StartedOn, DateTimeOffset FinishedOn);

/// <summary>What to attach besides the signature: the CycloneDX SBOM and the vulnerability report, and payload annotations.</summary>
public sealed record PromotionEvidence(byte[]? CycloneDxSbom = null, VulnerabilityScan? Vulnerabilities = null, IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>What signing pushed.</summary>
/// <param name="AlreadySigned">True when an identical payload signed by this key was already there (nothing was pushed for it).</param>
public sealed record SigningResult(string Digest, string KeyId, string SignatureManifestDigest, bool AlreadySigned, string? AttestationManifestDigest, IReadOnlyList<string> PredicateTypes);

/// <summary>
/// Signs a promoted image the way <c>cosign sign --key</c> and <c>cosign attest --key</c> do with transparency-log upload
/// off: a simple-signing payload for the digest, ECDSA P-256/SHA-256, as a layer of the <c>.sig</c> tag manifest; and
/// the SBOM (CycloneDX predicate) and vulnerability report (cosign vuln predicate) as DSSE in-toto attestations in the
/// <c>.att</c> tag, replacing this key's earlier attestations of the same predicate type. What it writes, the signer's
/// own verifier accepts with the matching public key.
/// </summary>
public sealed class PromotedImageSigner(ISigningKeySource keys)
{
    public string KeySource => keys.Description;

    /// <summary>The public key verifiers should trust (PEM), read from the configured key.</summary>
    public async Task<string> GetPublicKeyPemAsync(CancellationToken ct)
    {
        using var key = await keys.GetKeyAsync(ct);
        return SigningKeyPem.PublicKeyPem(key);
    }

    /// <param name="dockerReference">The repository as clients name it (<c>registry/repository</c>), written into the payload.</param>
    /// <exception cref="SigningKeyException">The key is missing or unusable.</exception>
    /// <exception cref="OciException">The image is missing or the registry refused the push.</exception>
    public async Task<SigningResult> SignAsync(
        IImageStore store, string repository, string digest, string dockerReference, PromotionEvidence? evidence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!Gatehouse.Contracts.ContentDigest.IsValid(digest))
        {
            throw new ArgumentException($"'{digest}' is not a digest; sign digests, never tags", nameof(digest));
        }

        if (await store.HeadManifestAsync(repository, digest, ct) is null)
        {
            throw new OciNotFoundException($"{store.Location}/{repository}@{digest} does not exist");
        }

        using var key = await keys.GetKeyAsync(ct);
        var verifier = PublicKeyPolicy.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
        var payload = SimpleSigningPayload.Create(dockerReference, digest, evidence?.Annotations);
        var signature = Sign(key, payload);
        var (signatureDigest, changed) = await CosignArtifactWriter.AddLayerAsync(store, repository, CosignTags.For(digest, CosignTags.Signature),
            new CosignLayer(CosignFormats.SimpleSigningMediaType, payload,
                new Dictionary<string, string> { [CosignFormats.SignatureAnnotation] = Convert.ToBase64String(signature) }),
            (existing, bytes) => bytes.AsSpan().SequenceEqual(payload) && SignedBy(verifier, existing, bytes),
            (_, _) => false, ct);

        var predicates = new List<(string Type, byte[] Json)>();
        if (evidence?.CycloneDxSbom is { } sbom) predicates.Add((CosignFormats.CycloneDxPredicateType, sbom));
        if (evidence?.Vulnerabilities is { } scan) predicates.Add((CosignFormats.VulnPredicateType, VulnPredicate(scan)));
        string? attestationDigest = null;
        foreach (var (type, json) in predicates)
        {
            var statement = InTotoStatement.Create(dockerReference, digest, type, json);
            var pae = DsseEnvelope.PreAuthenticationEncoding(CosignFormats.InTotoPayloadType, statement);
            var envelope = new DsseEnvelope(CosignFormats.InTotoPayloadType, statement, [new DsseSignature("", Sign(key, pae))]);
            var annotations = new Dictionary<string, string>
            {
                // cosign writes an empty signature annotation on attestation layers: the signature is inside the envelope.
                [CosignFormats.SignatureAnnotation] = "",
                [CosignFormats.PredicateTypeAnnotation] = type,
            };
            (attestationDigest, _) = await CosignArtifactWriter.AddLayerAsync(store, repository, CosignTags.For(digest, CosignTags.Attestation),
                new CosignLayer(CosignFormats.DsseEnvelopeMediaType, envelope.ToJson(), annotations),
                (_, _) => false,
                (existing, bytes) => existing.Annotations?.GetValueOrDefault(CosignFormats.PredicateTypeAnnotation) == type && AttestedBy(verifier, bytes),
                ct);
        }

        return new SigningResult(digest, verifier.KeyId, signatureDigest, !changed, attestationDigest, [.. predicates.Select(p => p.Type)]);
    }

    private static byte[] Sign(ECDsa key, byte[] data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private static bool SignedBy(PublicKeyPolicy key, OciDescriptor layer, byte[] payload) =>
        layer.Annotations?.GetValueOrDefault(CosignFormats.SignatureAnnotation) is { Length: > 0 } encoded &&
        Verification.SubjectDigest.TryBase64(encoded, out var signature) && key.VerifySignature(payload, signature);

    private static bool AttestedBy(PublicKeyPolicy key, byte[] envelopeJson) =>
        DsseEnvelope.TryParse(envelopeJson, out var envelope, out _) &&
        envelope!.Signatures.Any(s => key.VerifySignature(envelope.PreAuthenticationEncoding(), s.Sig));

    /// <summary>cosign's vuln predicate: invocation, scanner (uri, version, db, result) and metadata (scan start and end).</summary>
    internal static byte[] VulnPredicate(VulnerabilityScan scan)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("invocation");
            json.WriteNull("parameters");
            json.WriteString("uri", "");
            json.WriteString("event_id", "");
            json.WriteString("builder.id", "");
            json.WriteEndObject();
            json.WriteStartObject("scanner");
            json.WriteString("uri", scan.ScannerUri);
            json.WriteString("version", scan.ScannerVersion);
            json.WriteStartObject("db");
            json.WriteString("uri", scan.DatabaseUri);
            json.WriteString("version", scan.DatabaseVersion);
            json.WriteEndObject();
            json.WritePropertyName("result");
            json.WriteRawValue(scan.Result);
            json.WriteEndObject();
            json.WriteStartObject("metadata");
            json.WriteString("scanStartedOn", scan.StartedOn.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteString("scanFinishedOn", scan.FinishedOn.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
