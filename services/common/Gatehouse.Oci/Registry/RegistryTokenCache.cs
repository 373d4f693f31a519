using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace Gatehouse.Oci.Registry;

/// <summary>
/// Credentials earned from challenges, shared by every client in the process: bearer tokens per registry and
/// scope until they expire, and which registries want Basic credentials on every request.
/// </summary>
public sealed class RegistryTokenCache(TimeProvider time)
{
    // Refresh a little early so a token does not expire between attaching it and the registry checking it.
    private static readonly TimeSpan ExpirySafetyMargin = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<(string Registry, string Scope), (string Token, DateTimeOffset ExpiresAt)> _tokens = new();
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _basic = new(StringComparer.OrdinalIgnoreCase);

    public int TokenCount => _tokens.Count;

    internal AuthenticationHeaderValue? Find(string registry, string scope)
    {
        if (_tokens.TryGetValue((registry, scope), out var entry))
        {
            if (entry.ExpiresAt > time.GetUtcNow())
            {
                return new AuthenticationHeaderValue("Bearer", entry.Token);
            }

            _tokens.TryRemove((registry, scope), out _);
        }

        return _basic.TryGetValue(registry, out var basic) ? basic : null;
    }

    internal void StoreToken(string registry, string scope, string token, TimeSpan lifetime)
    {
        var usable = lifetime > ExpirySafetyMargin * 2 ? lifetime - ExpirySafetyMargin : lifetime / 2;
        _tokens[(registry, scope)] = (token, time.GetUtcNow() + usable);
    }

    internal void StoreBasic(string registry, AuthenticationHeaderValue basic) => _basic[registry] = basic;
}
