using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Advisories.Ecosystems;
using Gatehouse.Scanner.Sbom;

namespace Gatehouse.Scanner.Vex;

/// <summary>
/// Applies VEX statements to findings. A statement applies to a finding when it names the finding's id or one of
/// its aliases, and one of its products is
/// <list type="bullet">
/// <item>the image (its digest, <c>pkg:oci/…@sha256:…</c>, or <c>name@sha256:…</c>), with no subcomponents or with a
/// subcomponent that is the finding's package;</item>
/// <item>the finding's package itself, or its source package (purl; a version, when given, must be the installed one;
/// qualifiers are ignored);</item>
/// <item>a package product whose subcomponent is the finding's package (not scoped to another image).</item>
/// </list>
/// Of the statements that apply, the latest (by timestamp, then by order given) decides, as OpenVEX's statement
/// sequence does. <c>not_affected</c> and <c>fixed</c> suppress: the finding stays in the report with status
/// "suppressed" and the justification and source recorded; <c>affected</c> and <c>under_investigation</c> leave it.
/// </summary>
public static class VexApplier
{
    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, string? imageDigest, IReadOnlyList<VexStatement> statements)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(statements);
        if (statements.Count == 0 || findings.Count == 0)
        {
            return findings;
        }

        var byId = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < statements.Count; i++)
        {
            foreach (var id in statements[i].Aliases.Prepend(statements[i].Vulnerability))
            {
                if (!byId.TryGetValue(id, out var list))
                {
                    byId[id] = list = [];
                }
                if (list.Count == 0 || list[^1] != i)
                {
                    list.Add(i);
                }
            }
        }

        var result = new List<Finding>(findings.Count);
        foreach (var finding in findings)
        {
            var deciding = Deciding(finding, imageDigest, statements, byId);
            result.Add(deciding is { Status: VexStatus.NotAffected or VexStatus.Fixed } ? Suppress(finding, deciding) : finding);
        }
        return result;
    }

    private static VexStatement? Deciding(Finding finding, string? digest, IReadOnlyList<VexStatement> statements, Dictionary<string, List<int>> byId)
    {
        var best = -1;
        foreach (var id in finding.Aliases.Prepend(finding.Id))
        {
            if (!byId.TryGetValue(id, out var indexes))
            {
                continue;
            }
            foreach (var i in indexes)
            {
                if (i == best || !AppliesTo(statements[i], finding, digest))
                {
                    continue;
                }
                if (best < 0 || Later(statements[i], i, statements[best], best))
                {
                    best = i;
                }
            }
        }
        return best < 0 ? null : statements[best];
    }

    private static bool Later(VexStatement a, int aOrder, VexStatement b, int bOrder)
    {
        var ta = a.Timestamp ?? DateTimeOffset.MinValue;
        var tb = b.Timestamp ?? DateTimeOffset.MinValue;
        return ta != tb ? ta > tb : aOrder > bOrder;
    }

    private static bool AppliesTo(VexStatement statement, Finding finding, string? digest)
    {
        var package = PackageRefs.Of(finding.Package);
        foreach (var product in statement.Products)
        {
            var image = ImageScope(product.Identifiers, digest);
            if (image == Scope.ThisImage && (product.Subcomponents.Count == 0 || product.Subcomponents.Any(package.Matches)))
            {
                return true;
            }
            if (image == Scope.NotAnImage
                && (product.Identifiers.Any(package.Matches) || product.Subcomponents.Any(package.Matches)))
            {
                return true;
            }
        }
        return false;
    }

    private enum Scope
    {
        NotAnImage,
        ThisImage,
        OtherImage,
    }

    private static Scope ImageScope(IReadOnlyList<string> identifiers, string? digest)
    {
        var sawImage = false;
        foreach (var identifier in identifiers)
        {
            var named = ImageDigestOf(identifier);
            if (named is null)
            {
                continue;
            }
            if (digest is not null && string.Equals(named, digest, StringComparison.OrdinalIgnoreCase))
            {
                return Scope.ThisImage;
            }
            sawImage = true;
        }
        return sawImage ? Scope.OtherImage : Scope.NotAnImage;
    }

    /// <summary>The image digest an identifier names: a bare digest, an oci purl's version, or a reference's <c>@digest</c>.</summary>
    private static string? ImageDigestOf(string identifier)
    {
        if (identifier.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return PackageUrlText.TryParse(identifier, out var purl) && purl is { Type: "oci", Version: { } version } ? version : null;
        }
        var at = identifier.LastIndexOf('@');
        var candidate = at >= 0 ? identifier[(at + 1)..] : identifier;
        return candidate.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) || candidate.StartsWith("sha512:", StringComparison.OrdinalIgnoreCase)
            ? candidate
            : null;
    }

    private static Finding Suppress(Finding finding, VexStatement statement) => finding with
    {
        Status = FindingStatus.Suppressed,
        Suppression = new Suppression
        {
            Status = statement.Status == VexStatus.Fixed ? "fixed" : "not_affected",
            // VEX requires a justification or an impact statement for not_affected; fixed carries neither.
            Justification = statement.Justification ?? statement.ImpactStatement ?? statement.ActionStatement
                ?? (statement.Status == VexStatus.Fixed ? "fixed" : "none given"),
            Source = statement.Source,
        },
    };

    /// <summary>A finding's package as purl identities: the package's own and, for OS packages, its source package's.</summary>
    private sealed record PackageRefs(string? Identity, string Version, string? SourceIdentity, string? SourceVersion)
    {
        public static PackageRefs Of(FindingPackage package)
        {
            var identity = package.Purl is { } purl ? PackageIdentity.Of(purl).WithoutVersion : null;
            string? source = null;
            if (package.SourceName is { Length: > 0 } sourceName && EcosystemRegistry.BuiltIn.TryFind(package.Ecosystem, out var ecosystem, out _)
                && ecosystem.IsOperatingSystem)
            {
                source = EcosystemRegistry.BuiltIn.IdentityOf(package.Ecosystem, sourceName);
            }
            return new PackageRefs(identity, package.Version, source, package.SourceVersion ?? package.Version);
        }

        public bool Matches(string reference)
        {
            if (!reference.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase) || !PackageUrlText.TryParse(reference, out var parsed) || parsed is null)
            {
                return false;
            }
            var identity = PackageIdentity.Of(reference).WithoutVersion;
            return (identity == Identity && (parsed.Version is null || parsed.Version == Version))
                || (identity == SourceIdentity && (parsed.Version is null || parsed.Version == SourceVersion));
        }
    }
}
