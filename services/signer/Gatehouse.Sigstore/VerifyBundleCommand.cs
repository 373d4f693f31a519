using System.Globalization;

namespace Gatehouse.Sigstore;

/// <summary>
/// The sigstore-conformance client "verify-bundle" verb:
/// <c>--bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE) --trusted-root FILE FILE_OR_DIGEST</c>.
/// FILE_OR_DIGEST is a path or "sha256:&lt;hex&gt;". Regex variants --certificate-identity-regexp and
/// --certificate-oidc-issuer-regexp are accepted (fully anchored). There is no built-in trusted root: --trusted-root
/// is required, so the trust anchor is always an explicit, reviewable file. Exit code 0 = verified, 1 = anything else
/// (the reason goes to stderr). <paramref name="args"/> start after the verb.
/// </summary>
public static class VerifyBundleCommand
{
    public const string Usage =
        "usage: verify-bundle --bundle FILE (--certificate-identity ID | --certificate-identity-regexp RE) " +
        "(--certificate-oidc-issuer URL | --certificate-oidc-issuer-regexp RE) | --key FILE) --trusted-root FILE FILE_OR_DIGEST";

    private static readonly HashSet<string> KnownOptions =
    [
        "--bundle", "--certificate-identity", "--certificate-identity-regexp", "--certificate-oidc-issuer",
        "--certificate-oidc-issuer-regexp", "--key", "--trusted-root",
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            return await RunCoreAsync(args, stdout, stderr);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or TrustedRootFormatException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunCoreAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParseArguments(args, out var options, out var target, out var error))
        {
            await stderr.WriteLineAsync($"error: {error}");
            await stderr.WriteLineAsync(Usage);
            return 1;
        }

        if (!options.TryGetValue("--bundle", out var bundlePath) || !options.TryGetValue("--trusted-root", out var rootPath))
        {
            await stderr.WriteLineAsync("error: --bundle and --trusted-root are required (no trusted root is built in)");
            await stderr.WriteLineAsync(Usage);
            return 1;
        }

        var policy = BuildPolicy(options, await ReadKeyAsync(options));
        if (policy is null)
        {
            await stderr.WriteLineAsync("error: give either --key, or a certificate identity and an OIDC issuer");
            await stderr.WriteLineAsync(Usage);
            return 1;
        }

        ArtifactInput artifact;
        if (!ArtifactInput.TryParseDigest(target, out var digestArtifact))
        {
            artifact = ArtifactInput.FromBytes(await File.ReadAllBytesAsync(target));
        }
        else
        {
            artifact = digestArtifact;
        }

        var root = TrustedRoot.Parse(await File.ReadAllBytesAsync(rootPath));
        var bundle = await File.ReadAllBytesAsync(bundlePath);
        var result = new SigstoreVerifier(root).Verify(bundle, artifact, policy);
        if (!result.IsVerified)
        {
            await stderr.WriteLineAsync($"error: verification failed: {result.Reason}: {result.Message}");
            return 1;
        }

        var signature = result.Signature!;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"OK: {(signature.IsKeyless ? $"identity={signature.SignerIdentity} issuer={signature.Issuer}" : "public key")} " +
            $"signed={signature.SigningTime:O} ({signature.SigningTimeSource}) log={signature.LogUrl} index={signature.LogIndex}"));
        return 0;
    }

    private static async Task<string?> ReadKeyAsync(Dictionary<string, string> options) =>
        options.TryGetValue("--key", out var keyPath) ? await File.ReadAllTextAsync(keyPath) : null;

    /// <exception cref="ArgumentException">An identity, issuer, pattern or key is invalid.</exception>
    private static VerificationPolicy? BuildPolicy(Dictionary<string, string> options, string? keyPem)
    {
        var identity = Matcher(options, "--certificate-identity", "certificate identity");
        var issuer = Matcher(options, "--certificate-oidc-issuer", "certificate OIDC issuer");
        if (keyPem is not null)
        {
            return identity is null && issuer is null ? PublicKeyPolicy.FromPem(keyPem) : null;
        }

        return identity is not null && issuer is not null ? new KeylessPolicy(identity, issuer) : null;
    }

    private static IdentityMatcher? Matcher(Dictionary<string, string> options, string option, string what)
    {
        var hasExact = options.TryGetValue(option, out var exact);
        var hasPattern = options.TryGetValue(option + "-regexp", out var pattern);
        if (hasExact && hasPattern)
        {
            throw new ArgumentException($"{option} and {option}-regexp are mutually exclusive");
        }

        return hasExact ? IdentityMatcher.Exact(exact!, what) : hasPattern ? IdentityMatcher.Regex(pattern!, what) : null;
    }

    private static bool TryParseArguments(string[] args, out Dictionary<string, string> options, out string target, out string error)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        target = string.Empty;
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (!KnownOptions.Contains(name))
            {
                error = $"unknown option {name}";
                return false;
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                error = $"{name} needs a value";
                return false;
            }

            if (!options.TryAdd(name, value))
            {
                error = $"{name} given twice";
                return false;
            }
        }

        if (positional.Count != 1)
        {
            error = "expected exactly one FILE_OR_DIGEST argument";
            return false;
        }

        target = positional[0];
        error = string.Empty;
        return true;
    }
}
