namespace Gatehouse.Scanner.Distro;

/// <summary>The operating system an image is built on.</summary>
/// <param name="Id">os-release <c>ID</c>, lower case (<c>debian</c>, <c>alpine</c>, <c>rhel</c>, ...).</param>
/// <param name="VersionId">os-release <c>VERSION_ID</c> or the version from a release file (<c>12</c>, <c>3.19.1</c>).</param>
/// <param name="Codename"><c>VERSION_CODENAME</c> (<c>bookworm</c>) when known.</param>
/// <param name="PrettyName"><c>PRETTY_NAME</c> when known.</param>
/// <param name="IdLike"><c>ID_LIKE</c> entries (<c>rhel fedora</c> for Rocky ...).</param>
/// <param name="SourcePath">File the facts were read from.</param>
public sealed record DistroInfo(string Id, string? VersionId, string? Codename, string? PrettyName, IReadOnlyList<string> IdLike, string SourcePath)
{
    /// <summary>The purl <c>distro</c> qualifier: <c>debian-12</c>, <c>alpine-3.19.1</c>; the id alone when no version is known.</summary>
    public string PurlQualifier =>
        string.IsNullOrEmpty(VersionId) ? (string.IsNullOrEmpty(Codename) ? Id : $"{Id}-{Codename}") : $"{Id}-{VersionId}";

    /// <summary>The purl namespace for OS packages of this distro (<c>rhel</c> is spelled <c>redhat</c> by convention).</summary>
    public string PurlNamespace => Id == "rhel" ? "redhat" : Id;

    public bool IsLike(string id) => Id == id || IdLike.Contains(id, StringComparer.Ordinal);
}
