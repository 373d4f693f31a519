using System.Text.Json;

namespace Gatehouse.Scanner.Vex;

/// <summary>Reads one VEX document of either format, told apart by content (never by file name or media type).</summary>
public static class VexDocumentReader
{
    /// <summary>Far above any real VEX document; bounds what a hostile referrer can make us parse.</summary>
    public const int MaxDocumentBytes = 16 * 1024 * 1024;

    /// <summary>Media types VEX referrers are attached with (OpenVEX has no registered one; tools use these).</summary>
    public static readonly IReadOnlyList<string> OpenVexMediaTypes =
        ["application/openvex+json", "application/vnd.openvex+json", "application/vex+json"];

    public const string CycloneDxMediaType = "application/vnd.cyclonedx+json";

    /// <summary>True for media types a VEX document may be stored under (parameters such as <c>;version=</c> ignored).</summary>
    public static bool IsCandidateMediaType(string? mediaType)
    {
        if (string.IsNullOrEmpty(mediaType))
        {
            return false;
        }
        var semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        var bare = (semicolon < 0 ? mediaType : mediaType[..semicolon]).Trim();
        return bare == CycloneDxMediaType || OpenVexMediaTypes.Contains(bare, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The document's statements; a document that is neither format, or not JSON, comes back with an error.
    /// A CycloneDX document without vulnerabilities is an SBOM: no statements, no error.</summary>
    public static VexDocument Read(ReadOnlyMemory<byte> utf8, string source)
    {
        if (utf8.Length > MaxDocumentBytes)
        {
            return VexDocument.Unreadable(source, $"document is {utf8.Length} bytes, more than the {MaxDocumentBytes}-byte limit");
        }

        try
        {
            using var document = JsonDocument.Parse(utf8, new JsonDocumentOptions
            {
                MaxDepth = 64,
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
            var root = document.RootElement;
            if (OpenVexReader.LooksLike(root))
            {
                return OpenVexReader.Read(root, source);
            }
            if (CycloneDxVexReader.LooksLike(root))
            {
                return CycloneDxVexReader.Read(root, source);
            }
            if (root.ValueKind == JsonValueKind.Object && OpenVexReader.Text(root, "bomFormat") == "CycloneDX")
            {
                // An SBOM (the image's own, attached under the same media type): no statements, and no error.
                return new VexDocument(source, "cyclonedx-sbom", []);
            }
            return VexDocument.Unreadable(source, "neither an OpenVEX document (@context https://openvex.dev/ns…) nor a CycloneDX document with vulnerabilities");
        }
        catch (JsonException e)
        {
            return VexDocument.Unreadable(source, "not JSON: " + e.Message);
        }
    }
}
