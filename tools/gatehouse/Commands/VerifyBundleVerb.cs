using Gatehouse.Sigstore;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE)
/// --trusted-root FILE FILE_OR_DIGEST</c>: the sigstore-conformance client protocol, delegated to the Sigstore library
/// (exit 0 verified, 1 otherwise).
/// </summary>
public static class VerifyBundleVerb
{
    public const string Usage = "verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE) --trusted-root FILE FILE_OR_DIGEST";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return await VerifyBundleCommand.RunAsync(args, stdout, stderr);
    }
}
