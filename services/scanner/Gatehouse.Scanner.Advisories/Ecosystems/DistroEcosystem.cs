namespace Gatehouse.Scanner.Advisories.Ecosystems;

// How a distro writes the release in its OSV ecosystem string, so that the release an image
// reports (os-release VERSION_ID) and the advisories' suffix meet on one key.
public enum ReleaseStyle
{
    // Kept as written (Red Hat CPE suffixes, SUSE product names, Photon "3.0").
    AsWritten,

    // Major number only: Debian "12.5" -> "12", Rocky "9.3" -> "9".
    MajorNumber,

    // "YY.MM" with the ":LTS" marker dropped; a "Pro:" prefix (ESM) is kept distinct.
    UbuntuSeries,

    // Release branch with the required "v": "3.19.1" -> "v3.19".
    AlpineBranch,
}

// An OS distribution: advisories are scoped by release and (mostly) name source packages, which
// is what makes backported fixes come out right.
public sealed class DistroEcosystem(
    string name,
    string purlType,
    string purlNamespace,
    ReleaseStyle releaseStyle,
    PackageNaming naming = PackageNaming.Source,
    bool lowerCaseNames = false)
    : Ecosystem(name, purlType, purlNamespace)
{
    public override bool IsOperatingSystem => true;

    public override PackageNaming Naming => naming;

    public ReleaseStyle ReleaseStyle => releaseStyle;

    // dpkg writes "Source: openssl (3.0.11-1)" and multiarch names "libc6:amd64"; both reduce to the package name.
    public override string NormalizeName(string name)
    {
        string trimmed = name.Trim();
        int paren = trimmed.IndexOf(" (", StringComparison.Ordinal);
        if (paren > 0)
        {
            trimmed = trimmed[..paren];
        }

        if (PurlType == "deb")
        {
            int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                trimmed = trimmed[..colon];
            }
        }

        return lowerCaseNames ? trimmed.ToLowerInvariant() : trimmed;
    }

    public override string Key(string? suffix)
    {
        string release = CanonicalRelease(suffix);
        return release.Length == 0 ? Name : Name + ":" + release;
    }

    public string CanonicalRelease(string? release)
    {
        string text = (release ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            return text;
        }

        switch (releaseStyle)
        {
            case ReleaseStyle.MajorNumber:
                int dot = text.IndexOf('.', StringComparison.Ordinal);
                return dot > 0 && char.IsAsciiDigit(text[0]) ? text[..dot] : text;
            case ReleaseStyle.UbuntuSeries:
                return string.Join(':', text.Split(':', StringSplitOptions.RemoveEmptyEntries)
                    .Where(part => !part.Equals("LTS", StringComparison.OrdinalIgnoreCase)));
            case ReleaseStyle.AlpineBranch:
                string digits = text.TrimStart('v', 'V');
                if (digits.Length == 0 || !char.IsAsciiDigit(digits[0]))
                {
                    return text;
                }

                string[] parts = digits.Split('.');
                return "v" + (parts.Length >= 2 ? parts[0] + "." + parts[1] : parts[0]);
            default:
                return text;
        }
    }
}
