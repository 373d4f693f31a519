using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Contracts;

/// <summary>
/// One member of <see cref="StoreKeys.AdvisoryImages"/>: an image and the package in it that a finding names.
/// Tab-separated text (digest, package name, installed version, purl), so a set member carries what the
/// where-query shows without reading the report.
/// </summary>
public sealed record AdvisoryImageMember(string Digest, string Package, string Version, string? Purl)
{
    public string Format() => string.Join('\t', Clean(Digest), Clean(Package), Clean(Version), Clean(Purl ?? ""));

    public static bool TryParse(string text, [NotNullWhen(true)] out AdvisoryImageMember? member)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('\t');
        member = parts.Length == 4 && parts[0].Length > 0
            ? new AdvisoryImageMember(parts[0], parts[1], parts[2], parts[3].Length == 0 ? null : parts[3])
            : null;
        return member is not null;
    }

    // A tab or newline inside a field would shift the others; they never occur in names or versions, so drop them.
    private static string Clean(string value) => value.Replace('\t', ' ').Replace('\n', ' ');
}
