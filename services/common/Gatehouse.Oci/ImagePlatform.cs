using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Oci;

/// <summary>An os/architecture[/variant] triple, written like docker's <c>--platform</c> (e.g. <c>linux/arm64/v8</c>).</summary>
public sealed record ImagePlatform(string Os, string Architecture, string? Variant = null)
{
    public static readonly ImagePlatform LinuxAmd64 = new("linux", "amd64");

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    public static ImagePlatform Parse(string value) =>
        TryParse(value, out var platform) ? platform : throw new FormatException($"platform '{value}' is not of the form os/architecture[/variant]");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ImagePlatform? platform)
    {
        platform = null;
        var parts = value?.Split('/') ?? [];
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            return false;
        }

        platform = new ImagePlatform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        return true;
    }

    /// <summary>
    /// True when an index entry fits this platform. A missing requested variant matches any variant;
    /// arm64's only variant is v8, so an entry without a variant matches a request for v8.
    /// </summary>
    public bool Matches(OciPlatform? candidate)
    {
        if (candidate is null || candidate.Os != Os || candidate.Architecture != Architecture)
        {
            return false;
        }

        if (Variant is null || candidate.Variant == Variant)
        {
            return true;
        }

        return Architecture == "arm64" && Variant == "v8" && candidate.Variant is null;
    }
}
