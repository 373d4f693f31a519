using System.Text.Json;
using Gatehouse.Oci;
using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Verification;
using Gatehouse.Sigstore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse verify &lt;ref&gt; (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM) [--trusted-root FILE]</c>:
/// cosign-like verification of an image's signatures (<c>.sig</c>, <c>.att</c>, Sigstore bundle referrers), offline except
/// for the registry. One JSON line per verified signature or attestation on stdout, the checks and failures on stderr.
/// Exit 0 when at least one signature verified, 1 when none did, 2 on usage errors.
/// </summary>
public static class VerifyCommand
{
    public const string Usage =
        "verify <ref> (--certificate-identity ID | --certificate-identity-regexp RE) (--certificate-oidc-issuer URL | " +
        "--certificate-oidc-issuer-regexp RE) --trusted-root FILE | --key PEM_FILE [--trusted-root FILE]";

    private static readonly string[] ValueOptions =
    [
        "--certificate-identity", "--certificate-identity-regexp", "--certificate-oidc-issuer", "--certificate-oidc-issuer-regexp",
        "--key", "--trusted-root",
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        TrustAuthority authority;
        string reference;
        try
        {
            var parsed = CliArgs.Parse(args, ValueOptions, []);
            if (parsed.Positionals.Count != 1) throw new CliUsageException("give exactly one image reference");
            reference = parsed.Positionals[0];
            authority = BuildAuthority(parsed);
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"gatehouse verify: {e.Message}\nusage: gatehouse {Usage}");
            return 2;
        }

        using var services = new ServiceCollection().AddOciClient(new ConfigurationBuilder().Build()).BuildServiceProvider();
        try
        {
            return await VerifyAsync(services.GetRequiredService<IImageStoreFactory>(), reference, authority, stdout, stderr, ct);
        }
        catch (Exception e) when (e is OciException or FormatException or HttpRequestException)
        {
            await stderr.WriteLineAsync($"Error: {reference}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> VerifyAsync(
        IImageStoreFactory factory, string reference, TrustAuthority authority, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var source = factory.Open(reference);
        var digest = source.Image?.Digest ?? (await source.Store.GetManifestAsync(source.Repository, source.Reference, ct)).Digest;
        var discovery = new SignatureArtifactDiscovery(TimeProvider.System);
        var found = await discovery.FindAsync(source.Store, source.Store.Location, source.Repository, digest, ct);
        var (_, loaded) = await discovery.LoadAsync(source.Store, found, ct);
        var formats = new SignatureFormatVerifiers(SignatureFormatVerifiers.BuiltIn);

        var signatures = 0;
        var lines = new List<string>();
        var failures = loaded.Problems.Select(p => $"{p.Artifact}: {p.Code}: {p.Reason}").ToList();
        foreach (var entry in loaded.Entries)
        {
            var outcome = formats.For(entry)?.Verify(entry, digest, authority)
                ?? EntryVerification.Failed("unsupported-format", $"no verifier handles '{entry.MediaType}'");
            if (!outcome.IsVerified)
            {
                failures.Add($"{entry.Artifact}: {outcome.FailureCode}: {outcome.FailureReason}");
                continue;
            }

            if (outcome.Signer!.ArtifactKind == "signature") signatures++;
            lines.Add(Line(source.Image?.FullName ?? source.Repository, digest, entry.Artifact, outcome));
        }

        if (signatures == 0)
        {
            await stderr.WriteLineAsync($"Error: no matching signatures for {reference}@{digest} ({loaded.Entries.Count} found):");
            foreach (var failure in failures) await stderr.WriteLineAsync("  " + failure);
            return 1;
        }

        await stderr.WriteLineAsync($"\nVerification for {reference} --\nThe following checks were performed on each of these signatures:");
        await stderr.WriteLineAsync("  - The cosign claims were validated (payload type and image digest)");
        await stderr.WriteLineAsync(authority.IsKeyless
            ? "  - Existence of the claims in the transparency log was verified offline\n" +
              "  - The code-signing certificate was verified using trusted certificate authority certificates"
            : "  - The signatures were verified against the specified public key");
        foreach (var line in lines) await stdout.WriteLineAsync(line);
        foreach (var failure in failures) await stderr.WriteLineAsync("  (not verified) " + failure);
        return 0;
    }

    private static string Line(string repository, string digest, string artifact, EntryVerification outcome)
    {
        var signer = outcome.Signer!;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("critical");
            json.WriteStartObject("identity");
            json.WriteString("docker-reference", repository);
            json.WriteEndObject();
            json.WriteStartObject("image");
            json.WriteString("docker-manifest-digest", digest);
            json.WriteEndObject();
            json.WriteString("type", signer.ArtifactKind == "signature" ? "cosign container image signature" : signer.ArtifactKind);
            json.WriteEndObject();
            json.WriteStartObject("optional");
            json.WriteString("Artifact", artifact);
            if (signer.Issuer is not null) json.WriteString("Issuer", signer.Issuer);
            if (signer.Subject is not null) json.WriteString("Subject", signer.Subject);
            if (signer.KeyId is not null) json.WriteString("KeyId", signer.KeyId);
            if (signer.SignedAt is { } at) json.WriteString("SignedAt", at);
            if (outcome.Attestation is { } attestation) json.WriteString("PredicateType", attestation.PredicateType);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static TrustAuthority BuildAuthority(CliArgs args)
    {
        var keyPath = args.Value("--key");
        var rootPath = args.Value("--trusted-root");
        var identity = (args.Value("--certificate-identity"), args.Value("--certificate-identity-regexp"));
        var issuer = (args.Value("--certificate-oidc-issuer"), args.Value("--certificate-oidc-issuer-regexp"));
        var keyless = identity != (null, null) || issuer != (null, null);
        if (keyless == (keyPath is not null))
        {
            throw new CliUsageException("give either --key, or --certificate-identity and --certificate-oidc-issuer");
        }

        var options = new SignerOptions();
        options.Authorities["cli"] = keyless
            ? new AuthorityOptions
            {
                Keyless = new KeylessAuthorityOptions
                {
                    Identity = identity.Item1, IdentityRegex = identity.Item2, Issuer = issuer.Item1, IssuerRegex = issuer.Item2, TrustedRoot = rootPath,
                },
            }
            : new AuthorityOptions { Key = new KeyAuthorityOptions { PublicKeyPath = keyPath, TrustedRoot = rootPath } };
        return TrustAuthorities.TryLoad(options, out var loaded, out var errors)
            ? loaded.All[0]
            : throw new CliUsageException(string.Join(" ", errors).Replace("Gatehouse:Signer:Authorities:cli:", "", StringComparison.Ordinal));
    }
}
