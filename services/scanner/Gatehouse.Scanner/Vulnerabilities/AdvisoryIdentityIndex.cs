using Gatehouse.Contracts;
using Gatehouse.Scanner.Sbom;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>
/// Completes the SBOM index with the identities advisories are announced under that the index does not already
/// hold: distro advisories name source packages (<c>pkg:deb/debian/glibc</c>) while the SBOM lists binaries (libc6).
/// Written into the same package → images sets (<see cref="StoreKeys.PackageImages"/>), so re-evaluation finds an
/// image with one set read per announced package. Idempotent (set adds).
/// </summary>
public sealed class AdvisoryIdentityIndex(IKeyValueStore store)
{
    /// <summary>Identities of <paramref name="packages"/> that differ from their purl's own index identity.</summary>
    public static IReadOnlyList<string> MissingIdentities(IEnumerable<SbomPackage> packages)
    {
        ArgumentNullException.ThrowIfNull(packages);
        var identities = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var package in packages)
        {
            var identity = package.Query.Identity();
            if (package.Query.Purl is not { } purl || PackageIdentity.Of(purl).WithoutVersion != identity)
            {
                identities.Add(identity);
            }
        }
        return [.. identities];
    }

    public async Task AddAsync(string digest, IEnumerable<SbomPackage> packages)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest);
        await Task.WhenAll(MissingIdentities(packages).Select(identity => store.SetAddAsync(StoreKeys.PackageImages(identity), digest)));
    }
}
