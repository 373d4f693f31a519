namespace Gatehouse.Sigstore;

/// <summary>The trusted root JSON is malformed or unsafe to use (for example a key without a validity start).</summary>
public sealed class TrustedRootFormatException : FormatException
{
    public TrustedRootFormatException()
    {
    }

    public TrustedRootFormatException(string message)
        : base(message)
    {
    }

    public TrustedRootFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
