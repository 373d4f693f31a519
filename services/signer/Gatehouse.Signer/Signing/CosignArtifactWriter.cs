using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Oci;

namespace Gatehouse.Signer.Signing;

/// <summary>A layer to put into a cosign <c>.sig</c> or <c>.att</c> manifest.</summary>
public sealed record CosignLayer(string MediaType, byte[] Content, IReadOnlyDictionary<string, string> Annotations);

/// <summary>
/// Writes cosign's tag-scheme manifests exactly as cosign lays them out: an OCI image manifest whose config is an
/// <c>application/vnd.oci.image.config.v1+json</c> (go-containerregistry's empty image config with one diff_id and one
/// history entry per layer) and whose layers are the signed payloads with their annotations. Several signatures are
/// several layers; like cosign, the read-modify-write of the tag is not atomic.
/// </summary>
public static class CosignArtifactWriter
{
    private const int MaxExistingLayerBytes = 32 * 1024 * 1024;

    /// <summary>
    /// Adds <paramref name="layer"/> to the manifest under <paramref name="tag"/>, dropping existing layers for which
    /// <paramref name="replaces"/> is true. When <paramref name="alreadyPresent"/> holds for an existing layer nothing is
    /// written. Returns the manifest digest and whether it changed.
    /// </summary>
    public static async Task<(string Digest, bool Changed)> AddLayerAsync(
        IImageStore store, string repository, string tag, CosignLayer layer,
        Func<OciDescriptor, byte[], bool> alreadyPresent, Func<OciDescriptor, byte[], bool> replaces, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(layer);
        var kept = new List<OciDescriptor>();
        if (await store.HeadManifestAsync(repository, tag, ct) is { } head)
        {
            var existing = await store.GetManifestAsync(repository, head.Digest, ct);
            foreach (var descriptor in ManifestParser.ParseManifest(existing.Bytes, $"{repository}:{tag}").Layers)
            {
                var bytes = await store.ReadBlobAsync(repository, descriptor, MaxExistingLayerBytes, ct);
                if (alreadyPresent(descriptor, bytes))
                {
                    return (head.Digest, false);
                }

                if (!replaces(descriptor, bytes))
                {
                    kept.Add(descriptor);
                }
            }
        }

        var digest = await store.PushBlobAsync(repository, layer.Content, ct);
        kept.Add(new OciDescriptor
        {
            MediaType = layer.MediaType,
            Digest = digest,
            Size = layer.Content.LongLength,
            Annotations = layer.Annotations,
        });
        var config = Config(kept);
        var configDigest = await store.PushBlobAsync(repository, config, ct);
        var manifest = new OciImageManifest
        {
            MediaType = OciMediaTypes.ImageManifest,
            Config = new OciDescriptor { MediaType = OciMediaTypes.ImageConfig, Digest = configDigest, Size = config.LongLength },
            Layers = kept,
        };
        var manifestDigest = await store.PushManifestAsync(repository, tag, OciMediaTypes.ImageManifest, OciJson.Serialize(manifest), ct);
        return (manifestDigest, true);
    }

    /// <summary>go-containerregistry's <c>empty.Image</c> config after appending the layers (what cosign pushes).</summary>
    internal static byte[] Config(IReadOnlyList<OciDescriptor> layers)
    {
        const string zeroTime = "0001-01-01T00:00:00Z";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("architecture", "");
            json.WriteString("created", zeroTime);
            json.WriteStartArray("history");
            foreach (var _ in layers)
            {
                json.WriteStartObject();
                json.WriteString("created", zeroTime);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("os", "");
            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            foreach (var layer in layers)
            {
                // The payloads are stored uncompressed, so each diff_id is the layer digest.
                json.WriteStringValue(layer.Digest);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("config");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    internal static bool IsDigestOf(OciDescriptor descriptor, byte[] content) =>
        descriptor.Digest == ContentDigest.ComputeSha256(content).ToString();
}
