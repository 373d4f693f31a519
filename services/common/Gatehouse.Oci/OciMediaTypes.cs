namespace Gatehouse.Oci;

/// <summary>Media types of the OCI image spec and Docker's v2 schema 2, plus the schema 1 types we reject.</summary>
public static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string ImageLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string ImageLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string ImageLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string Empty = "application/vnd.oci.empty.v1+json";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    public const string DockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>The ref-name annotation an OCI layout uses to name a manifest in index.json.</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    public const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>The empty JSON config blob (<c>{}</c>) artifacts use when they have no config.</summary>
    public const string EmptyJsonDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    /// <summary>Every manifest type we can read, for the Accept header.</summary>
    public static readonly IReadOnlyList<string> AcceptedManifestTypes =
        [ImageManifest, ImageIndex, DockerManifest, DockerManifestList];

    public static bool IsIndex(string? mediaType) => mediaType is ImageIndex or DockerManifestList;

    public static bool IsImageManifest(string? mediaType) => mediaType is ImageManifest or DockerManifest;

    public static bool IsSchema1(string? mediaType) => mediaType is DockerSchema1Manifest or DockerSchema1SignedManifest;

    public static bool IsManifest(string? mediaType) => IsIndex(mediaType) || IsImageManifest(mediaType);
}
