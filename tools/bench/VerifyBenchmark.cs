using System.Diagnostics;
using System.Globalization;
using Gatehouse.Sigstore;

namespace Gatehouse.Bench;

/// <summary>
/// Offline verification of one keyless Sigstore bundle (a conformance happy-path case: Fulcio chain, SCT, Rekor
/// SET and inclusion proof with checkpoint, identity policy), per signature, with the trusted root parsed once as a
/// long-running service holds it. The process-wide verified-signature cache is cleared before every iteration, outside
/// the timed region, so each timed call pays every public-key operation (cold verification, not cache hits).
/// Prints the median and mean and ends with <c>RESULT verify us_per_signature=&lt;median&gt;</c>.
/// </summary>
public static class VerifyBenchmark
{
    private const string CaseName = "happy-path-v0.3";
    private const string Identity =
        "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private const string Issuer = "https://token.actions.githubusercontent.com";

    /// <summary>args: [iterations] (default 2000).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 2000;
        var conformance = FindConformanceData();
        if (conformance is null)
        {
            await Console.Error.WriteLineAsync("no ../shared/testdata/sigstore-conformance beside the repository (Platform.sln)");
            return 2;
        }

        var caseDirectory = Path.Combine(conformance, "bundle-verify", CaseName);
        var bundle = await File.ReadAllBytesAsync(Path.Combine(caseDirectory, "bundle.sigstore.json"));
        var artifact = ArtifactInput.FromBytes(await File.ReadAllBytesAsync(Path.Combine(conformance, "bundle-verify", "a.txt")));
        var root = TrustedRoot.LoadFile(Path.Combine(conformance, "trusted-roots", "public-good-trusted_root.json"));
        var verifier = new SigstoreVerifier(root);
        var policy = KeylessPolicy.ForExact(Identity, Issuer);

        // Warm-up: JIT and first-use costs, not part of the figure.
        for (var i = 0; i < Math.Min(200, iterations); i++)
        {
            SigstoreVerifier.ClearVerifiedSignatureCache();
            Require(verifier.Verify(bundle, artifact, policy));
        }

        var samples = new double[iterations];
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        for (var i = 0; i < iterations; i++)
        {
            SigstoreVerifier.ClearVerifiedSignatureCache();
            var start = Stopwatch.GetTimestamp();
            var result = verifier.Verify(bundle, artifact, policy);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            Require(result);
        }

        self.Refresh();
        // CPU time is what verification costs; wall time adds waiting for a CPU when the machine is shared.
        var cpuPerSignature = (self.TotalProcessorTime - cpuBefore).TotalMicroseconds / iterations;
        Array.Sort(samples);
        var median = samples[iterations / 2];
        var p90 = samples[(int)(iterations * 0.9)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verify  {CaseName} ({bundle.Length} bytes), {iterations} cold verifications, trusted root loaded once"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"per signature: median {median:F0} us, mean {samples.Average():F0} us, p90 {p90:F0} us, min {samples[0]:F0} us (wall); {cpuPerSignature:F0} us CPU"));
        if (File.Exists("/proc/loadavg"))
        {
            // Context for the figure: on a shared, loaded machine the median includes time waiting for a CPU.
            Console.WriteLine($"load average {(await File.ReadAllTextAsync("/proc/loadavg")).Trim()} on {Environment.ProcessorCount} CPUs");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT verify us_per_signature={median:F0}"));
        return 0;
    }

    private static void Require(VerificationResult result)
    {
        if (!result.IsVerified)
        {
            throw new InvalidOperationException($"the benchmark bundle must verify: {result}");
        }
    }

    /// <summary>../shared/testdata/sigstore-conformance beside the repository, found from the binary or the working directory.</summary>
    private static string? FindConformanceData()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
                {
                    var path = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "testdata", "sigstore-conformance"));
                    if (Directory.Exists(path)) return path;
                }
            }
        }

        return null;
    }
}
