using System.Text;

namespace Gatehouse.Scanner.CycloneDx;

/// <summary>
/// The purl of an image: <c>pkg:oci/&lt;name&gt;@sha256%3A&lt;hex&gt;?repository_url=&lt;registry/repo&gt;</c>. Per the
/// purl oci type the name is the last repository segment, lower-cased, and the version is the digest
/// with its colon percent-encoded (as in the spec's examples); no tag, since tags move and the digest
/// is what the SBOM describes.
/// </summary>
public static class ImagePurl
{
    public static string? Create(string repository, string? digest, string? repositoryUrl)
    {
        if (string.IsNullOrEmpty(digest))
        {
            return null;
        }
        var lastSegment = repository.TrimEnd('/');
        lastSegment = lastSegment[(lastSegment.LastIndexOf('/') + 1)..];
        var sb = new StringBuilder("pkg:oci/");
        Encode(sb, lastSegment.ToLowerInvariant(), keep: "");
        Encode(sb.Append('@'), digest, keep: "");
        if (!string.IsNullOrEmpty(repositoryUrl))
        {
            Encode(sb.Append("?repository_url="), repositoryUrl, keep: "/:");
        }
        return sb.ToString();
    }

    private static void Encode(StringBuilder sb, string value, string keep)
    {
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' || keep.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
