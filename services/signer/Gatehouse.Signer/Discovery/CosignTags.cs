using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Gatehouse.Signer.Discovery;

/// <summary>
/// cosign's tag scheme: artifacts of <c>sha256:&lt;hex&gt;</c> live under tags <c>sha256-&lt;hex&gt;.sig|.att|.sbom</c>;
/// the OCI referrers fallback tag is the same without a suffix.
/// </summary>
public static partial class CosignTags
{
    public const string Signature = ".sig";
    public const string Attestation = ".att";
    public const string Sbom = ".sbom";

    public static string For(string digest, string suffix) => digest.Replace(':', '-') + suffix;

    /// <summary>When <paramref name="tag"/> is a cosign artifact tag or a referrers fallback tag, the digest of the image it belongs to.</summary>
    public static bool TryGetSubject(string? tag, [NotNullWhen(true)] out string? subjectDigest)
    {
        var match = tag is null ? null : TagPattern().Match(tag);
        subjectDigest = match is { Success: true } ? $"{match.Groups["alg"].Value}:{match.Groups["hex"].Value}" : null;
        return subjectDigest is not null;
    }

    // sha512 fallback tags are cut to 64 hex characters (OCI distribution spec), so they cannot name the subject.
    [GeneratedRegex(@"^(?:(?<alg>sha256)-(?<hex>[a-f0-9]{64})|(?<alg>sha512)-(?<hex>[a-f0-9]{128}))(?:\.sig|\.att|\.sbom)?$")]
    private static partial Regex TagPattern();
}
