using System.Text.Json;
using Gatehouse.Scanner.Vulnerabilities;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Scanner.Vex;

/// <summary>
/// The VEX documents read from an image's referrers, kept per digest in the shared store: the match on
/// <c>SbomGenerated</c> reads the registry and writes here, re-evaluation on <c>AdvisoriesUpdated</c> only reads.
/// </summary>
public sealed class VexCache(IKeyValueStore store)
{
    public async Task<CachedVex?> GetAsync(string digest)
    {
        var json = await store.GetAsync(VulnerabilityKeys.VexStatements(digest));
        if (json is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(json, VexJsonContext.Default.CachedVex);
        }
        catch (JsonException)
        {
            // Written by us; unreadable means corrupted: re-read on the next match, none applied meanwhile.
            return null;
        }
    }

    public Task SetAsync(CachedVex vex)
    {
        ArgumentNullException.ThrowIfNull(vex);
        return store.SetAsync(VulnerabilityKeys.VexStatements(vex.Digest), JsonSerializer.Serialize(vex, VexJsonContext.Default.CachedVex));
    }
}
