using System.Collections.Concurrent;
using Gatehouse.Contracts;

namespace Gatehouse.Admission.Review;

/// <summary>An image string as written in a pod spec, parsed once.</summary>
/// <param name="Reference">Null when the string is not a valid reference (<paramref name="Error"/> says why).</param>
/// <param name="TagMapKey">Tag-map key for references without a digest (an omitted tag is <c>latest</c>).</param>
/// <param name="NameAsWritten">The name part as the user wrote it (no tag, no digest), for the pinned rewrite.</param>
public sealed record ParsedImage(ImageReference? Reference, string? Error, string? TagMapKey, string NameAsWritten)
{
    public string? Digest => Reference?.Digest;

    /// <summary><c>registry/repository</c>, computed once (what approved-registry globs match).</summary>
    public string FullName { get; } = Reference?.FullName ?? "";

    /// <summary>The image pinned to <paramref name="digest"/> the way the mutating webhook writes it: <c>name@sha256:…</c>.</summary>
    public string Pinned(string digest) => NameAsWritten + "@" + digest;
}

/// <summary>
/// Parsed image references by their text. Clusters run few distinct images, so a bounded map makes parsing a
/// dictionary read on the hot path; past the bound it starts over rather than tracking recency.
/// </summary>
public sealed class ParsedImages
{
    private const int Capacity = 20_000;
    private readonly ConcurrentDictionary<string, ParsedImage> _parsed = new(StringComparer.Ordinal);

    public ParsedImage Get(string image)
    {
        if (_parsed.TryGetValue(image, out var parsed)) return parsed;
        parsed = Parse(image);
        if (_parsed.Count >= Capacity) _parsed.Clear();
        _parsed.TryAdd(image, parsed);
        return parsed;
    }

    public static ParsedImage Parse(string image)
    {
        if (!ImageReference.TryParse(image, out var reference, out var error))
            return new ParsedImage(null, error, null, image);
        var name = NameOf(image);
        var tagMapKey = reference.Digest is null
            ? StoreKeys.TagMap(reference.Registry, reference.Repository, reference.Tag ?? ImageReference.DefaultTag)
            : null;
        return new ParsedImage(reference, null, tagMapKey, name);
    }

    /// <summary>The text before any '@digest' and ':tag' (a ':' before the last '/' is a registry port).</summary>
    private static string NameOf(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var rest = at >= 0 ? image[..at] : image;
        var colon = rest.LastIndexOf(':');
        return colon > rest.LastIndexOf('/') ? rest[..colon] : rest;
    }
}
