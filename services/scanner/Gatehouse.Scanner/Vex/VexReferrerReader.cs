using Gatehouse.Oci;

namespace Gatehouse.Scanner.Vex;

/// <summary>
/// Reads the VEX documents attached to an image as OCI referrers: referrers whose artifact type is an OpenVEX or
/// CycloneDX media type, each layer of a VEX media type parsed by content. The image's own SBOM (same CycloneDX
/// media type, no vulnerabilities) is skipped without a download when its referrer digest is known.
/// </summary>
public static class VexReferrerReader
{
    /// <summary>More referrers than any real image has; bounds the work a hostile repository can cause.</summary>
    public const int MaxReferrers = 64;

    public static async Task<IReadOnlyList<VexDocument>> ReadAsync(
        IImageStore store, string repository, string digest, string? skipReferrer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var referrers = await store.GetReferrersAsync(repository, digest, null, cancellationToken);
        var documents = new List<VexDocument>();
        foreach (var referrer in referrers.Where(r => r.Digest != skipReferrer && VexDocumentReader.IsCandidateMediaType(r.ArtifactType)).Take(MaxReferrers))
        {
            var source = "referrer:" + referrer.Digest;
            OciImageManifest manifest;
            try
            {
                var content = await store.GetManifestAsync(repository, referrer.Digest, cancellationToken);
                manifest = ManifestParser.ParseManifest(content.Bytes, source);
            }
            catch (Exception e) when (e is OciException && OciFailure.IsPermanent(e))
            {
                // Deleted since listed, or not a manifest we read: nothing to apply from it.
                documents.Add(VexDocument.Unreadable(source, e.Message));
                continue;
            }

            foreach (var layer in manifest.Layers.Where(l => VexDocumentReader.IsCandidateMediaType(l.MediaType)))
            {
                if (layer.Size > VexDocumentReader.MaxDocumentBytes)
                {
                    documents.Add(VexDocument.Unreadable(source, $"layer {layer.Digest} is {layer.Size} bytes, over the limit"));
                    continue;
                }
                byte[] bytes;
                try
                {
                    bytes = await store.ReadBlobAsync(repository, layer, VexDocumentReader.MaxDocumentBytes, cancellationToken);
                }
                catch (Exception e) when (e is OciException && OciFailure.IsPermanent(e))
                {
                    documents.Add(VexDocument.Unreadable(source, e.Message));
                    continue;
                }
                var document = VexDocumentReader.Read(bytes, source);
                if (document.Statements.Count > 0 || document.Error is not null)
                {
                    documents.Add(document);
                }
            }
        }
        return documents;
    }
}
