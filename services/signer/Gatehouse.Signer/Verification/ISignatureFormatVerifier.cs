using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Contracts.Messages;
using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Sigstore;

namespace Gatehouse.Signer.Verification;

/// <summary>
/// A plugin that verifies one on-registry signature format (a layer media type) against one trust authority.
/// Implementations never throw for bad input: every outcome is an <see cref="EntryVerification"/>.
/// </summary>
public interface ISignatureFormatVerifier
{
    /// <summary>Unique among the registered verifiers (checked at start-up).</summary>
    string Name { get; }

    string Version { get; }

    bool Handles(SignatureEntry entry);

    EntryVerification Verify(SignatureEntry entry, string subjectDigest, TrustAuthority authority);
}

/// <summary>An attestation whose envelope verified and whose in-toto subject is the image.</summary>
public sealed record VerifiedAttestation(string PredicateType, string StatementType, JsonElement Predicate);

/// <summary>
/// The outcome of one entry against one authority: a verified signer (with the attestation, for DSSE), or a failure
/// with a stable code. <see cref="Applicable"/> is false when the authority cannot speak to this kind of signature
/// (a key authority and a keyless signature); such failures are reported only when no authority applies.
/// </summary>
public sealed record EntryVerification(VerifiedSigner? Signer, VerifiedAttestation? Attestation, string? FailureCode, string? FailureReason, bool Applicable = true)
{
    public bool IsVerified => Signer is not null;

    public static EntryVerification Verified(VerifiedSigner signer, VerifiedAttestation? attestation = null) => new(signer, attestation, null, null);

    public static EntryVerification Failed(string code, string reason) => new(null, null, code, reason);

    public static EntryVerification NotApplicable(string reason) => new(null, null, "no-applicable-authority", reason, false);

    /// <summary>The Sigstore library's reason as a stable kebab-case code, e.g. <c>certificate-not-trusted</c>.</summary>
    public static EntryVerification FromSigstore(VerificationResult result) =>
        Failed(CodeFor(result.Reason), result.Message);

    public static string CodeFor(VerificationFailureReason reason)
    {
        var name = reason.ToString();
        var code = new System.Text.StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && code.Length > 0) code.Append('-');
            code.Append(char.ToLowerInvariant(c));
        }

        return code.ToString();
    }
}

/// <summary>Signature-level helpers shared by the format verifiers.</summary>
internal static class SubjectDigest
{
    /// <summary>The image digest as Sigstore artifact input (the signed thing is known only by its digest).</summary>
    public static ArtifactInput? AsArtifact(string digest) => ArtifactInput.TryParseDigest(digest, out var artifact) ? artifact : null;

    public static VerifiedSigner KeySigner(PublicKeyPolicy key, string artifactKind, DateTimeOffset? signedAt = null) =>
        new("key", null, null, key.KeyId, artifactKind, signedAt);

    public static VerifiedSigner KeylessSigner(VerifiedSignature signature, string artifactKind) =>
        new("keyless", signature.Issuer, signature.SignerIdentity, null, artifactKind, signature.SigningTime);

    public static VerifiedSigner SignerFor(VerifiedSignature signature, TrustAuthority authority, string artifactKind) =>
        authority.Policy is PublicKeyPolicy key
            ? KeySigner(key, artifactKind, signature.SigningTime)
            : KeylessSigner(signature, artifactKind);

    public static string AttestationKind(string predicateType) => "attestation:" + predicateType;

    public static bool TryBase64(string? text, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text)) return false;
        var buffer = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written)) return false;
        bytes = buffer[..written];
        return true;
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
