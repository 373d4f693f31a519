using System.Text;

namespace Gatehouse.Oci.Tests;

/// <summary>Small, valid registry documents for the recorded exchanges.</summary>
internal static class RegistryFixtures
{
    public const string Base = "https://registry.test/v2/";

    public static readonly byte[] LayerBytes = Encoding.UTF8.GetBytes("pretend this is a gzip layer");

    public static readonly byte[] ConfigBytes = OciJson.Serialize(new OciImageConfig
    {
        Created = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero),
        Architecture = "amd64",
        Os = "linux",
        Config = new OciContainerConfig { Labels = new Dictionary<string, string> { ["org.opencontainers.image.source"] = "https://example.test/app" } },
        RootFs = new OciRootFs { DiffIds = ["sha256:" + new string('d', 64)] },
        History = [new OciHistoryEntry { CreatedBy = "ADD rootfs.tar /" }, new OciHistoryEntry { CreatedBy = "ENV A=b", EmptyLayer = true }],
    });

    public static readonly byte[] ManifestBytes = OciJson.Serialize(new OciImageManifest
    {
        MediaType = OciMediaTypes.DockerManifest,
        Config = new OciDescriptor { MediaType = OciMediaTypes.DockerConfig, Digest = RecordedHttpHandler.Sha256(ConfigBytes), Size = ConfigBytes.Length },
        Layers =
        [
            new OciDescriptor
            {
                MediaType = OciMediaTypes.DockerLayerGzip,
                Digest = RecordedHttpHandler.Sha256(LayerBytes),
                Size = LayerBytes.Length,
                Annotations = new Dictionary<string, string> { ["layer"] = "base" },
            },
        ],
    });

    public static string ManifestDigest => RecordedHttpHandler.Sha256(ManifestBytes);

    public static string ConfigDigest => RecordedHttpHandler.Sha256(ConfigBytes);

    public static string LayerDigest => RecordedHttpHandler.Sha256(LayerBytes);

    public static readonly string ArmManifestDigest = "sha256:" + new string('a', 64);

    /// <summary>A Docker manifest list: arm64 first (so picking the first entry would be wrong), amd64, and an attestation entry.</summary>
    public static readonly byte[] ManifestListBytes = OciJson.Serialize(new OciImageIndex
    {
        MediaType = OciMediaTypes.DockerManifestList,
        Manifests =
        [
            new OciDescriptor { MediaType = OciMediaTypes.DockerManifest, Digest = ArmManifestDigest, Size = 500, Platform = new OciPlatform { Os = "linux", Architecture = "arm64", Variant = "v8" } },
            new OciDescriptor { MediaType = OciMediaTypes.DockerManifest, Digest = ManifestDigest, Size = ManifestBytes.Length, Platform = new OciPlatform { Os = "linux", Architecture = "amd64" } },
            new OciDescriptor { MediaType = OciMediaTypes.ImageManifest, Digest = "sha256:" + new string('b', 64), Size = 400, Platform = new OciPlatform { Os = "unknown", Architecture = "unknown" } },
        ],
    });

    public static string ManifestListDigest => RecordedHttpHandler.Sha256(ManifestListBytes);

    public static readonly byte[] Schema1Bytes = Encoding.UTF8.GetBytes(
        """{"schemaVersion":1,"name":"team/app","tag":"old","architecture":"amd64","fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],"history":[{"v1Compatibility":"{}"}],"signatures":[]}""");

    public static string Url(string path) => Base + path;
}
