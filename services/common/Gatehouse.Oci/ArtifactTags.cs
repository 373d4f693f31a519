using System.Text.RegularExpressions;

namespace Gatehouse.Oci;

/// <summary>
/// Tags that hold supply-chain artifacts of another manifest rather than an image: cosign's
/// <c>sha256-&lt;hex&gt;.sig|.att|.sbom</c> and the OCI referrers tag schema <c>sha256-&lt;hex&gt;</c>.
/// </summary>
public static partial class ArtifactTags
{
    public static bool IsArtifactTag(string? tag) => tag is not null && Pattern().IsMatch(tag);

    [GeneratedRegex(@"^(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{1,128})(\.(sig|att|sbom))?$")]
    private static partial Regex Pattern();
}
