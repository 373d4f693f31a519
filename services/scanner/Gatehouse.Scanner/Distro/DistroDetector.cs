using System.Text.RegularExpressions;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Distro;

/// <summary>
/// Finds the image's operating system the way Syft and Trivy do: os-release (<c>etc/</c>, then <c>usr/lib/</c>)
/// first, then distribution release files. The engine captures the files named here for every image.
/// </summary>
public static partial class DistroDetector
{
    public const string EtcOsRelease = "etc/os-release";
    public const string UsrLibOsRelease = "usr/lib/os-release";
    public const string DebianVersion = "etc/debian_version";
    public const string AlpineRelease = "etc/alpine-release";
    public const string RedHatRelease = "etc/redhat-release";

    /// <summary>True for the files detection reads (called for every regular file: no allocation).</summary>
    public static bool IsReleaseFile(ReadOnlySpan<char> path) =>
        path.Length >= 14 && path[0] is 'e' or 'u'
        && (path.SequenceEqual(EtcOsRelease) || path.SequenceEqual(UsrLibOsRelease) || path.SequenceEqual(DebianVersion)
            || path.SequenceEqual(AlpineRelease) || path.SequenceEqual(RedHatRelease));

    /// <summary>
    /// Detects the distro from release files. <paramref name="readFile"/> returns a file's text with symlinks
    /// resolved inside the image (Debian's <c>etc/os-release</c> links to <c>../usr/lib/os-release</c>), or null.
    /// </summary>
    public static DistroInfo? Detect(Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(readFile);
        foreach (var path in (string[])[EtcOsRelease, UsrLibOsRelease])
        {
            if (readFile(path) is { } text && FromOsRelease(text, path) is { } distro)
            {
                return distro.VersionId is null && distro.Id == "debian" && readFile(DebianVersion) is { } debian
                    ? distro with { VersionId = NumericMajor(debian) }
                    : distro;
            }
        }
        if (readFile(AlpineRelease) is { } alpine && alpine.Trim() is { Length: > 0 } alpineVersion)
        {
            return new DistroInfo("alpine", alpineVersion, null, $"Alpine Linux v{alpineVersion}", [], AlpineRelease);
        }
        if (readFile(RedHatRelease) is { } redhat && FromRedHatRelease(redhat) is { } redhatDistro)
        {
            return redhatDistro;
        }
        if (readFile(DebianVersion) is { } debianVersion && debianVersion.Trim() is { Length: > 0 } value)
        {
            // "12.7" on releases, "trixie/sid" on testing.
            var major = NumericMajor(value);
            return new DistroInfo("debian", major, major is null ? value.Split('/')[0] : null, null, [], DebianVersion);
        }
        return null;
    }

    /// <summary>os-release is shell-style KEY=value lines; values may be quoted, with backslash escapes in double quotes.</summary>
    public static DistroInfo? FromOsRelease(string text, string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || equals <= 0)
            {
                continue;
            }
            values[line[..equals]] = Unquote(line[(equals + 1)..]);
        }
        if (!values.TryGetValue("ID", out var id) || id.Length == 0)
        {
            return null;
        }
        return new DistroInfo(
            id.ToLowerInvariant(),
            Empty(values.GetValueOrDefault("VERSION_ID")),
            Empty(values.GetValueOrDefault("VERSION_CODENAME")),
            Empty(values.GetValueOrDefault("PRETTY_NAME")),
            (values.GetValueOrDefault("ID_LIKE") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant()).ToList(),
            sourcePath);
    }

    /// <summary>"Red Hat Enterprise Linux release 9.3 (Plow)", "CentOS Linux release 7.9.2009 (Core)", ...</summary>
    public static DistroInfo? FromRedHatRelease(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = RedHatReleasePattern().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }
        var name = match.Groups["name"].Value.Trim();
        var id = name switch
        {
            _ when name.StartsWith("Red Hat", StringComparison.Ordinal) => "rhel",
            _ when name.StartsWith("CentOS", StringComparison.Ordinal) => "centos",
            _ when name.StartsWith("Rocky", StringComparison.Ordinal) => "rocky",
            _ when name.StartsWith("AlmaLinux", StringComparison.Ordinal) => "almalinux",
            _ when name.StartsWith("Fedora", StringComparison.Ordinal) => "fedora",
            _ => name.Split(' ')[0].ToLowerInvariant(),
        };
        var codename = match.Groups["codename"].Success ? match.Groups["codename"].Value : null;
        return new DistroInfo(id, match.Groups["version"].Value, codename, text.Trim(), id == "rhel" ? [] : ["rhel", "fedora"], RedHatRelease);
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1];
        }
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var inner = value[1..^1];
            var sb = new System.Text.StringBuilder(inner.Length);
            for (var i = 0; i < inner.Length; i++)
            {
                if (inner[i] == '\\' && i + 1 < inner.Length)
                {
                    i++;
                }
                sb.Append(inner[i]);
            }
            return sb.ToString();
        }
        return value;
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? NumericMajor(string version)
    {
        var trimmed = version.Trim();
        var dot = trimmed.IndexOf('.', StringComparison.Ordinal);
        var major = dot < 0 ? trimmed : trimmed[..dot];
        return major.Length > 0 && major.All(char.IsAsciiDigit) ? major : null;
    }

    [GeneratedRegex(@"^(?<name>.+?)\s+release\s+(?<version>[0-9][0-9A-Za-z._-]*)(\s+\((?<codename>[^)]+)\))?")]
    private static partial Regex RedHatReleasePattern();
}
