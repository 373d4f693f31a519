using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Contracts;

/// <summary>
/// A container image reference, parsed with the grammar of github.com/distribution/reference
/// (what docker, containerd and Kubernetes accept) and normalized the same way:
/// <c>debian</c> is <c>docker.io/library/debian</c>, <c>index.docker.io</c> is <c>docker.io</c>.
/// Only sha256 and sha512 digests with lowercase hex are accepted, since those are what we can verify.
/// </summary>
public sealed record ImageReference
{
    public const string DefaultRegistry = "docker.io";
    public const string DefaultTag = "latest";
    public const int NameMaxLength = 255;
    public const int TagMaxLength = 128;

    private const string LegacyDefaultRegistry = "index.docker.io";
    private const string OfficialRepositoryPrefix = "library/";

    private ImageReference(string registry, string repository, string? tag, string? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>Registry host, with port when given (e.g. <c>docker.io</c>, <c>127.0.0.1:5000</c>, <c>[::1]:5000</c>).</summary>
    public string Registry { get; }

    /// <summary>Repository path inside the registry (e.g. <c>library/debian</c>).</summary>
    public string Repository { get; }

    public string? Tag { get; }

    /// <summary>Content digest (<c>sha256:…</c>) when the reference pins one.</summary>
    public string? Digest { get; }

    /// <summary><c>registry/repository</c>, without tag or digest.</summary>
    public string FullName => Registry + "/" + Repository;

    /// <summary>The short name docker prints: <c>debian</c> for docker.io/library/debian; otherwise <see cref="FullName"/>
    /// minus a docker.io prefix.</summary>
    public string FamiliarName
    {
        get
        {
            if (Registry != DefaultRegistry)
            {
                return FullName;
            }

            var official = Repository.StartsWith(OfficialRepositoryPrefix, StringComparison.Ordinal)
                && Repository.IndexOf('/', OfficialRepositoryPrefix.Length) < 0;
            return official ? Repository[OfficialRepositoryPrefix.Length..] : Repository;
        }
    }

    /// <summary>What to ask a registry for: the digest when pinned (it wins over a tag), else the tag, else <c>latest</c>.</summary>
    public string ManifestReference => Digest ?? Tag ?? DefaultTag;

    /// <summary>Canonical form: <c>registry/repository[:tag][@digest]</c>.</summary>
    public override string ToString() =>
        FullName + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>The same image pinned to <paramref name="digest"/> (the tag is kept for readability).</summary>
    public ImageReference WithDigest(string digest)
    {
        if (!ContentDigest.TryParse(digest, out _, out var error))
        {
            throw new FormatException(error);
        }

        return new ImageReference(Registry, Repository, Tag, digest);
    }

    public ImageReference WithTag(string? tag)
    {
        if (tag is not null && ValidateTag(tag) is { } error)
        {
            throw new FormatException(error);
        }

        return new ImageReference(Registry, Repository, tag, Digest);
    }

    /// <summary>Builds a reference from separate fields (as carried by messages), validating and normalizing each.</summary>
    public static ImageReference Create(string registry, string repository, string? tag = null, string? digest = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(repository);
        var error = ValidateDomain(registry)
            ?? (tag is null ? null : ValidateTag(tag))
            ?? (digest is null || ContentDigest.TryParse(digest, out _, out var digestError) ? null : digestError);
        if (error is not null)
        {
            throw new FormatException(error);
        }

        var (normalizedRegistry, normalizedRepository) = Normalize(registry, repository);
        if (ValidateRepository(normalizedRepository, repository) is { } repositoryError)
        {
            throw new FormatException(repositoryError);
        }

        return new ImageReference(normalizedRegistry, normalizedRepository, tag, digest);
    }

    public static ImageReference Parse(string value) =>
        TryParse(value, out var reference, out var error) ? reference : throw new FormatException(error);

    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        [NotNullWhen(true)] out ImageReference? reference,
        [NotNullWhen(false)] out string? error)
    {
        reference = null;
        error = Split(value, out var name, out var tag, out var digest);
        if (error is not null)
        {
            return false;
        }

        string? domain = null;
        var remoteName = name;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        // Upstream rule: the first component is a registry host only if it looks like one.
        if (slash >= 0)
        {
            var first = name[..slash];
            if (first.AsSpan().IndexOfAny('.', ':') >= 0 || first == "localhost" || first.Any(char.IsAsciiLetterUpper))
            {
                domain = first;
                remoteName = name[(slash + 1)..];
            }
        }

        if (domain is not null && ValidateDomain(domain) is { } domainError)
        {
            error = domainError;
            return false;
        }

        error = ValidateRepository(remoteName, remoteName)
            ?? (name.Length > NameMaxLength ? $"repository name '{Shorten(name)}' is longer than {NameMaxLength} characters" : null)
            ?? (tag is null ? null : ValidateTag(tag));
        if (error is null && digest is not null && !ContentDigest.TryParse(digest, out _, out error))
        {
            error = $"invalid digest in '{value}': {error}";
        }

        if (error is not null)
        {
            return false;
        }

        var (registry, repository) = Normalize(domain ?? DefaultRegistry, remoteName);
        reference = new ImageReference(registry, repository, tag, digest);
        return true;
    }

    private static string? Split(string? value, out string name, out string? tag, out string? digest)
    {
        name = "";
        tag = null;
        digest = null;
        if (string.IsNullOrEmpty(value))
        {
            return "image reference is empty";
        }

        if (value.Any(char.IsWhiteSpace))
        {
            return $"image reference '{value}' contains whitespace";
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        var rest = value;
        if (at >= 0)
        {
            digest = value[(at + 1)..];
            rest = value[..at];
            if (digest.Length == 0)
            {
                return $"image reference '{value}' has '@' with no digest";
            }

            if (digest.Contains('@', StringComparison.Ordinal))
            {
                return $"image reference '{value}' has more than one '@'";
            }
        }

        // A tag separator is a ':' after the last '/', so a registry port is never mistaken for a tag.
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/') && !(rest.StartsWith('[') && rest.IndexOf(']', StringComparison.Ordinal) > colon))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (tag.Length == 0)
            {
                return $"image reference '{value}' has ':' with no tag";
            }
        }

        if (rest.Length == 0)
        {
            return $"image reference '{value}' has no repository name";
        }

        name = rest;
        return null;
    }

    private static (string Registry, string Repository) Normalize(string registry, string repository)
    {
        if (registry == LegacyDefaultRegistry)
        {
            registry = DefaultRegistry;
        }

        if (registry == DefaultRegistry && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = OfficialRepositoryPrefix + repository;
        }

        return (registry, repository);
    }

    private static string? ValidateDomain(string domain)
    {
        if (domain.Length == 0)
        {
            return "registry host is empty";
        }

        string host = domain;
        string? port = null;
        if (domain.StartsWith('['))
        {
            var close = domain.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return $"registry host '{domain}' has '[' without a closing ']'";
            }

            host = domain[..(close + 1)];
            var afterHost = domain[(close + 1)..];
            if (afterHost.Length > 0)
            {
                if (afterHost[0] != ':')
                {
                    return $"registry host '{domain}' has unexpected characters after ']'";
                }

                port = afterHost[1..];
            }

            var inner = host[1..^1];
            if (inner.Length == 0 || !inner.All(c => char.IsAsciiHexDigit(c) || c == ':')
                || !IPAddress.TryParse(inner, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return $"registry host '{host}' is not a valid bracketed IPv6 address";
            }
        }
        else
        {
            var colon = domain.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                host = domain[..colon];
                port = domain[(colon + 1)..];
            }

            foreach (var component in host.Split('.'))
            {
                if (component.Length == 0)
                {
                    return $"registry host '{domain}' has an empty label";
                }

                if (!component.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || component[0] == '-' || component[^1] == '-')
                {
                    return $"registry host '{domain}' is not a valid host name (labels are letters, digits and inner '-')";
                }
            }
        }

        if (port is not null && (port.Length == 0 || port.Length > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port) is 0 or > 65535))
        {
            return $"registry port '{port}' in '{domain}' is not a number from 1 to 65535";
        }

        return null;
    }

    /// <param name="repository">The path to check.</param>
    /// <param name="asWritten">The path as the user wrote it, for messages and the hex-identifier rule.</param>
    private static string? ValidateRepository(string repository, string asWritten)
    {
        if (repository.Length == 0)
        {
            return "repository name is empty";
        }

        // Upstream refuses names that look like image IDs, which docker would misread.
        if (asWritten.Length == 64 && asWritten.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return $"repository name '{asWritten}' is a 64-character hex string, which is ambiguous with an image ID";
        }

        foreach (var component in repository.Split('/'))
        {
            if (component.Length == 0)
            {
                return $"repository name '{asWritten}' has an empty path component";
            }

            if (component.Any(char.IsAsciiLetterUpper))
            {
                return $"repository name '{asWritten}' must be lowercase";
            }

            if (ValidatePathComponent(component) is { } problem)
            {
                return $"repository path component '{component}' in '{asWritten}' {problem}";
            }
        }

        return null;
    }

    /// <summary>path-component := [a-z0-9]+ ( ( '.' | '_' | '__' | '-'+ ) [a-z0-9]+ )*</summary>
    private static string? ValidatePathComponent(string component)
    {
        var i = 0;
        while (i < component.Length)
        {
            var c = component[i];
            if (char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c))
            {
                i++;
                continue;
            }

            if (c is not ('.' or '_' or '-'))
            {
                return $"contains '{c}' (allowed: lowercase letters, digits, '.', '_', '__', '-')";
            }

            var start = i;
            while (i < component.Length && component[i] is '.' or '_' or '-')
            {
                i++;
            }

            var separator = component[start..i];
            if (start == 0 || i == component.Length)
            {
                return "must start and end with a lowercase letter or digit";
            }

            if (separator is not ("." or "_" or "__") && separator.Any(s => s != '-'))
            {
                return $"has the separator '{separator}' (allowed between letters/digits: '.', '_', '__' or dashes)";
            }
        }

        return null;
    }

    private static string? ValidateTag(string tag)
    {
        if (tag.Length == 0)
        {
            return "tag is empty";
        }

        if (tag.Length > TagMaxLength)
        {
            return $"tag '{Shorten(tag)}' is longer than {TagMaxLength} characters";
        }

        if (!IsWordChar(tag[0]))
        {
            return $"tag '{tag}' must start with a letter, digit or '_'";
        }

        var bad = tag.FirstOrDefault(c => !IsWordChar(c) && c is not ('.' or '-'));
        return bad == default ? null : $"tag '{tag}' contains '{bad}' (allowed: letters, digits, '_', '.', '-')";

        static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
