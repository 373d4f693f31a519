using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Model;
using Gatehouse.ServiceDefaults.Store;
using StackExchange.Redis;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse policy test &lt;policy.yaml&gt; &lt;ref|manifest.yaml&gt;</c>: shift-left. Evaluates every profile (or
/// <c>--profile</c>) with the same evaluator as the policy service against an image reference or every container
/// image of Kubernetes manifests. Registry and digest-pinning rules are checked offline; signatures,
/// vulnerabilities and base layers come from a store (<c>--redis</c>) when it has the digest, else they are
/// reported as unknown and do not fail the run unless <c>--strict</c>. Exit 1 when anything would be denied,
/// 2 on bad input (including an invalid or expired policy).
/// </summary>
public static class PolicyTestCommand
{
    private const string Usage = "usage: gatehouse policy test <policy.yaml|dir> <image-ref|manifest.yaml> [--profile NAME] [--redis HOST:PORT] [--strict]";
    private static readonly string[] UnknownCodes = [ReasonCodes.SignaturesUnknown, ReasonCodes.VulnerabilitiesUnknown, ReasonCodes.ManifestUnknown];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        CliArgs parsed;
        try
        {
            parsed = CliArgs.Parse(args, ["--profile", "--redis"], ["--strict"]);
        }
        catch (CliUsageException ex)
        {
            await stderr.WriteLineAsync($"gatehouse policy: {ex.Message}\n{Usage}");
            return 2;
        }
        if (parsed.Positionals is not ["test", var policyPath, var target])
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        var loaded = ImagePolicyLoader.LoadPaths([policyPath], new PolicyLoadOptions(DateTimeOffset.UtcNow));
        foreach (var issue in loaded.Issues) await stderr.WriteLineAsync(issue.ToString());
        if (!loaded.Succeeded) return 2;
        var policies = new PolicySet(1, loaded.Policies).Policies
            .Where(p => parsed.Value("--profile") is not { } only || p.Profile == only).ToList();
        if (policies.Count == 0)
        {
            await stderr.WriteLineAsync($"gatehouse policy: no profile {parsed.Value("--profile")} in {policyPath}");
            return 2;
        }

        IReadOnlyList<WorkloadImage> images;
        try
        {
            images = File.Exists(target) ? WorkloadImages.FromYaml(await File.ReadAllTextAsync(target, ct), target) : [new WorkloadImage("image", null, "", target)];
        }
        catch (PolicyValidationException ex)
        {
            await stderr.WriteLineAsync($"gatehouse policy: {target}: {string.Join("; ", ex.Issues.Select(i => i.Message))}");
            return 2;
        }
        if (images.Count == 0)
        {
            await stdout.WriteLineAsync($"{target}: no Pod or pod template with container images");
            return 0;
        }

        using var redis = await ConnectAsync(parsed.Value("--redis"), stderr);
        if (parsed.Value("--redis") is not null && redis is null) return 2;
        var store = redis is null ? null : new RedisKeyValueStore(redis);
        var denied = 0;
        foreach (var image in images)
        {
            if (!ImageReference.TryParse(image.Image, out var reference, out var error))
            {
                await stdout.WriteLineAsync($"DENY  {image.Image} ({Where(image)}): not a valid image reference: {error}");
                denied++;
                continue;
            }
            var facts = await GatherAsync(reference, store, ct);
            foreach (var policy in policies)
            {
                var decision = ImagePolicyEvaluator.Evaluate(policy, facts, DateTimeOffset.UtcNow);
                var counted = parsed.Flag("--strict") ? decision.Reasons : decision.Reasons.Where(r => !UnknownCodes.Contains(r.Code)).ToList();
                var status = ImagePolicyEvaluator.StatusOf(counted);
                if (status == DecisionStatus.Deny) denied++;
                await stdout.WriteLineAsync($"{status.ToUpperInvariant(),-5} {policy.Profile,-10} {image.Image}{(image.Workload == "image" ? "" : $" ({Where(image)})")}");
                foreach (var reason in decision.Reasons)
                {
                    var known = counted.Contains(reason);
                    var message = known ? reason.Message : reason.Message.Split([" — ", "; allowed with a warning"], 2, StringSplitOptions.None)[0] + " (not checked here)";
                    await stdout.WriteLineAsync($"      {(known ? reason.Effect : "unknown"),-7} {reason.Code}: {message}");
                }
            }
        }
        await stdout.WriteLineAsync(denied == 0 ? "result: nothing would be denied" : $"result: {denied} would be denied");
        return denied == 0 ? 0 : 1;
    }

    private static string Where(WorkloadImage image) => $"{image.Workload}, {image.Container}";

    /// <summary>The reference itself, plus whatever the store knows about its digest (a tag is resolved through the tag map).</summary>
    private static async Task<ImageFacts> GatherAsync(ImageReference reference, RedisKeyValueStore? store, CancellationToken ct)
    {
        var digest = reference.Digest;
        if (store is null) return new ImageFacts { Digest = digest, Reference = reference };
        digest ??= await store.GetAsync(StoreKeys.TagMap(reference.Registry, reference.Repository, reference.Tag ?? ImageReference.DefaultTag));
        if (digest is null) return new ImageFacts { Reference = reference };
        var snapshot = await new FactStore(store).ReadAsync(digest);
        var facts = await ImageFactsBuilder.BuildAsync(snapshot, new StoreFindingReport(store), ct);
        return facts with { Reference = reference };
    }

    private static async Task<ConnectionMultiplexer?> ConnectAsync(string? address, TextWriter stderr)
    {
        if (address is null) return null;
        try
        {
            var options = ConfigurationOptions.Parse(address);
            options.ConnectTimeout = 3000;
            return await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (RedisConnectionException ex)
        {
            await stderr.WriteLineAsync($"gatehouse policy: cannot reach Redis at {address}: {ex.Message}");
            return null;
        }
    }
}
