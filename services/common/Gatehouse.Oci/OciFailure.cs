using System.Net;

namespace Gatehouse.Oci;

/// <summary>Sorts registry failures into "try again later" and "will never work", for consumers' retry decisions.</summary>
public static class OciFailure
{
    /// <summary>
    /// True when retrying cannot help: the content is missing, unsupported, or does not match its digest, or the
    /// registry refused us with a 4xx other than 408/429. 5xx, 429 and network errors are transient.
    /// </summary>
    public static bool IsPermanent(Exception exception) => exception switch
    {
        OciNotFoundException or UnsupportedManifestException or PlatformNotFoundException
            or DigestMismatchException or SizeMismatchException or OciAuthenticationException => true,
        OciRegistryException { StatusCode: { } status } =>
            (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
        OciRegistryException => false, // no status: the network failed
        // The base type is what the client throws for content it refuses (an oversized manifest or config).
        OciException e => e.GetType() == typeof(OciException),
        _ => false,
    };
}
