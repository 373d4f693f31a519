namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// Which layer introduced each package of a package database that several layers rewrite (dpkg status, apk
/// installed, rpmdb): walking the captured versions from the newest back, a package was introduced by the
/// oldest layer from which every later version still lists it unchanged. Written once for all OS catalogers.
/// </summary>
public static class HistoryAttribution
{
    /// <summary>
    /// For every key of the final version, the layer that introduced it. <paramref name="history"/> is
    /// <see cref="CatalogContext.History"/> (base layer first, final last); <paramref name="keysOf"/> lists the
    /// package identities (name, version, arch...) a version holds.
    /// </summary>
    public static Dictionary<TKey, int> IntroducedLayers<TKey>(
        IReadOnlyList<CapturedFile> history, CapturedFile final, Func<CapturedFile, IEnumerable<TKey>> keysOf)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(final);
        ArgumentNullException.ThrowIfNull(keysOf);
        var introduced = new Dictionary<TKey, int>();
        foreach (var key in keysOf(final))
        {
            introduced[key] = final.LayerIndex;
        }
        var open = new HashSet<TKey>(introduced.Keys);
        // Versions older than the final one, newest first; a version of the same layer is the final one itself.
        for (var i = history.Count - 1; i >= 0 && open.Count > 0; i--)
        {
            var version = history[i];
            if (version.LayerIndex >= final.LayerIndex)
            {
                continue;
            }
            var present = new HashSet<TKey>(keysOf(version));
            foreach (var key in open.ToList())
            {
                if (present.Contains(key))
                {
                    introduced[key] = version.LayerIndex;
                }
                else
                {
                    open.Remove(key);
                }
            }
        }
        return introduced;
    }
}
