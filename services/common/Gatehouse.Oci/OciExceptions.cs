using System.Net;

namespace Gatehouse.Oci;

/// <summary>Base of every error this library raises about registries, layouts and their content.</summary>
public class OciException : Exception
{
    public OciException()
    {
    }

    public OciException(string message)
        : base(message)
    {
    }

    public OciException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A registry answered with an error status (after retries and authentication).</summary>
public class OciRegistryException : OciException
{
    public OciRegistryException()
    {
    }

    public OciRegistryException(string message)
        : base(message)
    {
    }

    public OciRegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OciRegistryException(string message, HttpStatusCode statusCode, IReadOnlyList<string> errorCodes)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCodes = errorCodes;
    }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>Distribution error codes from the body (e.g. MANIFEST_UNKNOWN, DENIED).</summary>
    public IReadOnlyList<string> ErrorCodes { get; } = [];
}

/// <summary>The manifest, blob or repository does not exist.</summary>
public class OciNotFoundException : OciException
{
    public OciNotFoundException()
    {
    }

    public OciNotFoundException(string message)
        : base(message)
    {
    }

    public OciNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The registry refused our credentials (or we had none and it wants some).</summary>
public class OciAuthenticationException : OciException
{
    public OciAuthenticationException()
    {
    }

    public OciAuthenticationException(string message)
        : base(message)
    {
    }

    public OciAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Content did not hash to the digest it was fetched or announced by.</summary>
public class DigestMismatchException : OciException
{
    public DigestMismatchException()
    {
    }

    public DigestMismatchException(string message)
        : base(message)
    {
    }

    public DigestMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DigestMismatchException(string expected, string actual, string what)
        : base($"{what}: expected digest {expected} but the content hashes to {actual}")
    {
        Expected = expected;
        Actual = actual;
    }

    public string? Expected { get; }

    public string? Actual { get; }
}

/// <summary>Content was longer or shorter than its descriptor's size.</summary>
public class SizeMismatchException : OciException
{
    public SizeMismatchException()
    {
    }

    public SizeMismatchException(string message)
        : base(message)
    {
    }

    public SizeMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A manifest kind we do not handle (Docker schema 1, unknown media types) or one that does not parse.</summary>
public class UnsupportedManifestException : OciException
{
    public UnsupportedManifestException()
    {
    }

    public UnsupportedManifestException(string message)
        : base(message)
    {
    }

    public UnsupportedManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An index has no manifest for the requested platform.</summary>
public class PlatformNotFoundException : OciException
{
    public PlatformNotFoundException()
    {
    }

    public PlatformNotFoundException(string message)
        : base(message)
    {
    }

    public PlatformNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
