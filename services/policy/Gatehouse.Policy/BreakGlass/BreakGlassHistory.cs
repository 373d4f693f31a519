using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Facts;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.BreakGlass;

/// <summary>
/// The most recent break-glass uses, for the dashboard: a set in the shared store whose members are the uses
/// themselves as canonical JSON (times in UTC, long texts cut), so a redelivered message adds nothing and
/// concurrent consumers on several replicas never overwrite each other (set additions are atomic). After an
/// addition the set is cut back to the newest <see cref="Capacity"/>; the full audit trail is admission's stream.
/// </summary>
public sealed class BreakGlassHistory(IKeyValueStore store)
{
    public const int Capacity = 500;

    /// <summary>The set of recent uses (policy's own key: admission's audit stream is <c>StoreKeys.BreakGlassAudit</c>).</summary>
    public const string Key = FactStore.Prefix + "breakglass:recent";

    private const int MaxText = 512, MaxLongText = 2_048;

    /// <returns>False when this use was already held (a redelivery).</returns>
    public async Task<bool> AddAsync(BreakGlassUsed use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var member = JsonSerializer.Serialize(Canonical(use), BreakGlassJsonContext.Default.BreakGlassUsed);
        if (!await store.SetAddAsync(Key, member)) return false;
        var members = await store.SetMembersAsync(Key);
        if (members.Count <= Capacity) return true;
        foreach (var (text, _) in Newest(members).Skip(Capacity)) await store.SetRemoveAsync(Key, text);
        return true;
    }

    /// <summary>At most <paramref name="max"/> uses, newest first, and how many are held.</summary>
    public async Task<(int Total, IReadOnlyList<BreakGlassUsed> Uses)> ReadAsync(int max = Capacity)
    {
        var newest = Newest(await store.SetMembersAsync(Key));
        return (newest.Count, [.. newest.Take(max).Select(u => u.Use)]);
    }

    private static List<(string Text, BreakGlassUsed Use)> Newest(IReadOnlyList<string> members) =>
        [.. members.Select(m => (Text: m, Use: Parse(m))).Where(m => m.Use is not null).Select(m => (m.Text, m.Use!))
            .OrderByDescending(m => m.Item2.UsedAt).ThenBy(m => m.Text, StringComparer.Ordinal)];

    private static BreakGlassUsed Canonical(BreakGlassUsed use) => use with
    {
        Namespace = Cut(use.Namespace, MaxText), Object = Cut(use.Object, MaxText), Digest = Cut(use.Digest, MaxText), User = Cut(use.User, MaxText),
        Ticket = Cut(use.Ticket, MaxText), Profile = Cut(use.Profile, MaxText), Image = Cut(use.Image, MaxText),
        Reason = Cut(use.Reason, MaxLongText), Denial = Cut(use.Denial, MaxLongText),
        UsedAt = use.UsedAt.ToUniversalTime(), ExpiresAt = use.ExpiresAt.ToUniversalTime(),
    };

    private static string Cut(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..(max - 1)] + "…";

    private static BreakGlassUsed? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, BreakGlassJsonContext.Default.BreakGlassUsed);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BreakGlassUsed))]
internal sealed partial class BreakGlassJsonContext : JsonSerializerContext;
