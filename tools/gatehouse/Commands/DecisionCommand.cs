using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse decision &lt;ref&gt; [--profile p] [--redis host:port]</c>: the current decision(s) for an image from
/// the decision cache, with reasons, versions and whether admission would trust them (current versions;
/// MAC verified when <c>GATEHOUSE_DECISION_MAC_KEY</c> or <c>--mac-key</c> gives the key). Exit 1 when there is none.
/// </summary>
public static class DecisionCommand
{
    private const string Usage = "usage: gatehouse decision <image-ref> [--profile NAME] [--redis HOST:PORT] [--mac-key BASE64]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        CliArgs parsed;
        try
        {
            parsed = CliArgs.Parse(args, ["--profile", "--redis", "--mac-key"], []);
        }
        catch (CliUsageException ex)
        {
            await stderr.WriteLineAsync($"gatehouse decision: {ex.Message}\n{Usage}");
            return 2;
        }
        if (parsed.Positionals is not [var target])
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        if (!ImageReference.TryParse(target, out var reference, out var error))
        {
            await stderr.WriteLineAsync($"gatehouse decision: {error}");
            return 2;
        }
        DecisionMac? mac;
        try
        {
            mac = (parsed.Value("--mac-key") ?? Environment.GetEnvironmentVariable("GATEHOUSE_DECISION_MAC_KEY")) is { Length: > 0 } key
                ? new DecisionMac(Convert.FromBase64String(key)) : null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            await stderr.WriteLineAsync($"gatehouse decision: the MAC key is not base64 of at least 32 bytes ({ex.Message})");
            return 2;
        }

        using var redis = await CliRedis.ConnectAsync("decision", parsed.Value("--redis"), "the decision cache lives", stderr);
        if (redis is null) return 2;
        return await PrintAsync(new RedisKeyValueStore(redis), reference, parsed.Value("--profile"), mac, stdout);
    }

    /// <summary>Prints every decision of the image (one profile, or all with published versions).</summary>
    public static async Task<int> PrintAsync(IKeyValueStore store, ImageReference reference, string? profile, DecisionMac? mac, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(stdout);
        var digest = reference.Digest ?? await store.GetAsync(StoreKeys.TagMap(reference.Registry, reference.Repository, reference.Tag ?? ImageReference.DefaultTag));
        if (digest is null)
        {
            await stdout.WriteLineAsync($"{reference}: no digest known for this tag (never pushed, or its tag mapping expired)");
            return 1;
        }
        await stdout.WriteLineAsync(reference.Digest is null ? $"{reference} -> {digest}" : digest);
        var profiles = profile is not null ? [profile] : (await store.SetMembersAsync(DecisionRecorder.ProfilesKey)).Order(StringComparer.Ordinal).ToList();
        var found = 0;
        foreach (var name in profiles)
        {
            var record = DecisionRecorder.Parse(await store.GetAsync(StoreKeys.Decision(name, digest)));
            if (record is null)
            {
                await stdout.WriteLineAsync($"\n{name}: no decision (admission treats the image as unknown)");
                continue;
            }
            found++;
            var versions = await store.GetAsync(StoreKeys.DecisionVersions(name)) is { } json
                ? JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionVersions) : null;
            await stdout.WriteLineAsync($"\n{name}: {record.Status.ToUpperInvariant()}  decided {record.DecidedAt:yyyy-MM-dd HH:mm:ss}Z" +
                (record.ValidUntil is { } until ? $", valid until {until:yyyy-MM-dd HH:mm}Z" : ""));
            await stdout.WriteLineAsync($"  versions: policy generation {record.PolicyGeneration}, trust root {Show(record.TrustRootVersion)}, advisory data {Show(record.AdvisoryDataVersion)}");
            await stdout.WriteLineAsync($"  current:  {Currency(record, versions)}");
            await stdout.WriteLineAsync($"  mac:      {(mac is null ? "not checked (no key given)" : mac.Verify(record) ? "verified" : "DOES NOT VERIFY (admission ignores this record)")}");
            if (record.TraceParent is not null) await stdout.WriteLineAsync($"  trace:    {record.TraceParent}");
            foreach (var reason in record.Reasons) await stdout.WriteLineAsync($"  {reason.Effect,-5} {reason.Code}: {reason.Message}");
        }
        return found == 0 ? 1 : 0;
    }

    private static string Show(string version) => version.Length == 0 ? "(not used)" : version;

    private static string Currency(DecisionRecord record, DecisionVersions? versions) => versions switch
    {
        null => "no versions published for this profile (admission treats the image as unknown)",
        _ when versions.Matches(record) => "yes",
        _ when versions.PolicyGeneration != record.PolicyGeneration => $"stale: policy generation is now {versions.PolicyGeneration}",
        _ when versions.TrustRootVersion != record.TrustRootVersion => $"stale: trust root is now {versions.TrustRootVersion}",
        _ => $"stale: advisory data is now {versions.AdvisoryDataVersion}",
    };
}
