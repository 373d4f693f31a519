namespace Gatehouse.Sigstore.Tests;

/// <summary>Runs one conformance case through the public API with the row's inputs.</summary>
public static class ConformanceVerification
{
    public static VerificationResult Run(ConformanceCase testCase)
    {
        if (!TrustedRoot.TryParse(File.ReadAllBytes(testCase.TrustedRootPath), out var root, out var rootError))
        {
            return VerificationResult.Failure(VerificationFailureReason.TrustedRootInvalid, rootError);
        }

        VerificationPolicy policy = testCase.KeyPath is { } keyPath
            ? PublicKeyPolicy.FromPem(File.ReadAllText(keyPath))
            : KeylessPolicy.ForExact(testCase.Identity!, testCase.Issuer!);
        var artifact = ArtifactInput.FromBytes(File.ReadAllBytes(testCase.ArtifactPath));
        return new SigstoreVerifier(root).Verify(File.ReadAllBytes(testCase.BundlePath), artifact, policy);
    }

    public static string[] CliArguments(ConformanceCase testCase, string? artifactOverride = null)
    {
        var args = new List<string> { "--bundle", testCase.BundlePath };
        if (testCase.KeyPath is { } key)
        {
            args.AddRange(["--key", key]);
        }
        else
        {
            args.AddRange(["--certificate-identity", testCase.Identity!, "--certificate-oidc-issuer", testCase.Issuer!]);
        }

        args.AddRange(["--trusted-root", testCase.TrustedRootPath, artifactOverride ?? testCase.ArtifactPath]);
        return [.. args];
    }
}
