namespace Gatehouse.Sigstore;

/// <summary>Fulcio certificate extension OIDs (1.3.6.1.4.1.57264.1.*), the keys of <see cref="VerifiedSignature.FulcioExtensions"/>.</summary>
public static class FulcioExtensionOids
{
    public const string Prefix = "1.3.6.1.4.1.57264.1.";

    public const string IssuerV1 = "1.3.6.1.4.1.57264.1.1";
    public const string GithubWorkflowTrigger = "1.3.6.1.4.1.57264.1.2";
    public const string GithubWorkflowSha = "1.3.6.1.4.1.57264.1.3";
    public const string GithubWorkflowName = "1.3.6.1.4.1.57264.1.4";
    public const string GithubWorkflowRepository = "1.3.6.1.4.1.57264.1.5";
    public const string GithubWorkflowRef = "1.3.6.1.4.1.57264.1.6";
    public const string OtherNameSan = "1.3.6.1.4.1.57264.1.7";
    public const string Issuer = "1.3.6.1.4.1.57264.1.8";
    public const string BuildSignerUri = "1.3.6.1.4.1.57264.1.9";
    public const string BuildSignerDigest = "1.3.6.1.4.1.57264.1.10";
    public const string RunnerEnvironment = "1.3.6.1.4.1.57264.1.11";
    public const string SourceRepositoryUri = "1.3.6.1.4.1.57264.1.12";
    public const string SourceRepositoryDigest = "1.3.6.1.4.1.57264.1.13";
    public const string SourceRepositoryRef = "1.3.6.1.4.1.57264.1.14";
    public const string SourceRepositoryIdentifier = "1.3.6.1.4.1.57264.1.15";
    public const string SourceRepositoryOwnerUri = "1.3.6.1.4.1.57264.1.16";
    public const string SourceRepositoryOwnerIdentifier = "1.3.6.1.4.1.57264.1.17";
    public const string BuildConfigUri = "1.3.6.1.4.1.57264.1.18";
    public const string BuildConfigDigest = "1.3.6.1.4.1.57264.1.19";
    public const string BuildTrigger = "1.3.6.1.4.1.57264.1.20";
    public const string RunInvocationUri = "1.3.6.1.4.1.57264.1.21";
    public const string SourceRepositoryVisibilityAtSigning = "1.3.6.1.4.1.57264.1.22";
    public const string DeploymentEnvironment = "1.3.6.1.4.1.57264.1.23";
    public const string TokenSubject = "1.3.6.1.4.1.57264.1.24";

    /// <summary>Extensions .1.1 to .1.6 hold raw UTF-8 bytes; later ones hold a DER UTF8String.</summary>
    internal static bool IsRawStringExtension(string oid) =>
        oid is IssuerV1 or GithubWorkflowTrigger or GithubWorkflowSha or GithubWorkflowName
            or GithubWorkflowRepository or GithubWorkflowRef;
}
