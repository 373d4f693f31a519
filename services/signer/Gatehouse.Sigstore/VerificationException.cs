namespace Gatehouse.Sigstore;

/// <summary>
/// Internal control flow for a failed check: thrown deep inside verification, always caught by
/// <see cref="SigstoreVerifier"/> and turned into a <see cref="VerificationResult"/>.
/// </summary>
internal sealed class VerificationException(VerificationFailureReason reason, string message) : Exception(message)
{
    public VerificationFailureReason Reason { get; } = reason;
}
