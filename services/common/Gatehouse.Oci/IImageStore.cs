namespace Gatehouse.Oci;

/// <summary>
/// One place images live: a registry host or an OCI image layout folder. Repositories are paths inside it
/// (<c>library/debian</c>); a layout folder holds a single namespace of ref names and ignores the repository.
/// References are tags or digests. Every read is verified against its digest.
/// </summary>
public interface IImageStore
{
    /// <summary>Where this store reads and writes, for logs and messages (a registry host, or <c>oci:&lt;dir&gt;</c>).</summary>
    string Location { get; }

    /// <summary>
    /// Resolves a tag or digest to a single-platform image with its parsed manifest and config. An index or
    /// manifest list is narrowed to <paramref name="platform"/> (default: the configured platform, linux/amd64).
    /// Docker schema 1 manifests are rejected with <see cref="UnsupportedManifestException"/>.
    /// </summary>
    Task<ResolvedImage> ResolveAsync(string repository, string reference, ImagePlatform? platform = null, CancellationToken cancellationToken = default);

    /// <summary>Fetches a manifest or index by tag or digest; throws <see cref="OciNotFoundException"/> when missing.</summary>
    Task<ManifestContent> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the manifest's digest, media type and size, or null when it does not exist. For a registry this is
    /// what its Docker-Content-Digest header claims (a HEAD has no body to hash); content fetched later is verified.
    /// </summary>
    Task<ManifestHead?> HeadManifestAsync(string repository, string reference, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a blob. The stream hashes what is read and throws <see cref="DigestMismatchException"/> at its end
    /// (or <see cref="SizeMismatchException"/> when <paramref name="expectedSize"/> is known and not met),
    /// so read it to the end before trusting what was read.
    /// </summary>
    Task<Stream> OpenBlobAsync(string repository, string digest, long? expectedSize = null, CancellationToken cancellationToken = default);

    Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellationToken = default);

    /// <summary>Uploads a blob unless it already exists; returns false when it was skipped. Retries need a seekable stream.</summary>
    Task<bool> PushBlobAsync(string repository, string digest, long size, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Stores a manifest under a tag or under its own digest; returns its digest.</summary>
    Task<string> PushManifestAsync(string repository, string tagOrDigest, string mediaType, byte[] manifest, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>
    /// Manifests whose <c>subject</c> is <paramref name="digest"/> (OCI 1.1 referrers), optionally only those of
    /// <paramref name="artifactType"/>. Uses the referrers API, or the <c>sha256-&lt;hex&gt;</c> tag where it is missing.
    /// </summary>
    Task<IReadOnlyList<OciDescriptor>> GetReferrersAsync(string repository, string digest, string? artifactType = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pushes <paramref name="artifact"/> as a manifest whose subject is <paramref name="subject"/> and makes it
    /// findable by <see cref="GetReferrersAsync"/>; returns the descriptor of the pushed manifest.
    /// </summary>
    Task<OciDescriptor> AttachReferrerAsync(string repository, OciDescriptor subject, ReferrerArtifact artifact, CancellationToken cancellationToken = default);
}

/// <summary>An artifact to attach to an image (an SBOM, a signature, an attestation).</summary>
public sealed record ReferrerArtifact(
    string ArtifactType,
    IReadOnlyList<ArtifactBlob> Blobs,
    IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>One layer of an artifact.</summary>
public sealed record ArtifactBlob(string MediaType, byte[] Content, IReadOnlyDictionary<string, string>? Annotations = null);
