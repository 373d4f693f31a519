using System.Text;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Scanner.Sbom;

/// <summary>
/// The SBOM index in the shared store: purl → digests (with and without version), digest → SBOM record, and the
/// SBOM document itself, so "which images contain X" is one lookup and re-evaluation reads SBOMs without pulls.
/// </summary>
public sealed class SbomIndex(IKeyValueStore store)
{
    public async Task<SbomRecord?> GetRecordAsync(string digest) =>
        await store.GetAsync(StoreKeys.SbomRecord(digest)) is { } json
            ? JsonSerializer.Deserialize(json, SbomJsonContext.Default.SbomRecord)
            : null;

    public async Task<Bom?> GetSbomAsync(string digest) =>
        await store.GetAsync(StoreKeys.Sbom(digest)) is { } json ? CycloneDxReader.Read(Encoding.UTF8.GetBytes(json)) : null;

    /// <summary>Claims the extraction of a digest's SBOM; false when another consumer holds an unexpired claim.</summary>
    public Task<bool> TryClaimAsync(string digest, TimeSpan ttl) =>
        store.SetIfAbsentAsync(StoreKeys.SbomClaim(digest), Environment.MachineName + "/" + Environment.ProcessId, ttl);

    public Task ReleaseClaimAsync(string digest) => store.DeleteAsync(StoreKeys.SbomClaim(digest));

    /// <summary>Waits for a record another consumer is producing; null when none appears in time.</summary>
    public async Task<SbomRecord?> WaitForRecordAsync(string digest, TimeSpan patience, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + patience;
        while (true)
        {
            if (await GetRecordAsync(digest) is { } record) return record;
            if (time.GetUtcNow() >= deadline) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
        }
    }

    /// <summary>Stores the document and its record and indexes every component's purl. Idempotent.</summary>
    public async Task IndexAsync(SbomRecord record, Bom bom, byte[] sbomBytes)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(bom);
        await store.SetAsync(StoreKeys.Sbom(record.Digest), Encoding.UTF8.GetString(sbomBytes));
        foreach (var purl in (bom.Components ?? []).Select(c => c.Purl).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var (withoutVersion, withVersion) = PackageIdentity.Of(purl);
            await store.SetAddAsync(StoreKeys.PackageImages(withoutVersion), record.Digest);
            // Name → purls and purl → versions let the where-query expand "openssl@<3.0.14" without scanning keys.
            await store.SetAddAsync(StoreKeys.PackageNames(PackageNameKey.Of(PackageNameKey.NameOfPurl(withoutVersion))), withoutVersion);
            if (withVersion is null) continue;
            await store.SetAddAsync(StoreKeys.PackageVersionImages(withVersion), record.Digest);
            await store.SetAddAsync(StoreKeys.PackageVersions(withoutVersion), withVersion);
        }
        await store.SetAddAsync(StoreKeys.IndexedImages, record.Digest);
        // The record goes last: its presence means the image is completely indexed.
        await store.SetAsync(StoreKeys.SbomRecord(record.Digest), JsonSerializer.Serialize(record, SbomJsonContext.Default.SbomRecord));
    }

    /// <summary>Digests of images containing the package: a purl with version matches that version only.</summary>
    public Task<IReadOnlyList<string>> ImagesWithAsync(string purl)
    {
        var (withoutVersion, withVersion) = PackageIdentity.Of(purl);
        return store.SetMembersAsync(withVersion is null ? StoreKeys.PackageImages(withoutVersion) : StoreKeys.PackageVersionImages(withVersion));
    }
}
