using System.Text.RegularExpressions;

namespace Gatehouse.Scanner.Catalogers.Dpkg;

/// <summary>
/// Licences named in <c>usr/share/doc/&lt;package&gt;/copyright</c>, as syft reads them: the short names of
/// machine-readable (DEP-5) <c>License:</c> fields and references to <c>/usr/share/common-licenses/&lt;name&gt;</c>.
/// </summary>
internal static partial class DebianCopyright
{
    public static IReadOnlyList<string> Licenses(string text)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match match in LicenseField().Matches(text))
        {
            var value = match.Groups["license"].Value.Trim();
            if (value.Length > 0)
            {
                found.Add(value);
            }
        }
        foreach (Match match in CommonLicense().Matches(text))
        {
            var name = match.Groups["license"].Value.TrimEnd('.');
            if (name.Length > 0)
            {
                found.Add(name);
            }
        }
        return [.. found];
    }

    [GeneratedRegex(@"^License:\s*(?<license>[^\r\n]+)", RegexOptions.Multiline)]
    private static partial Regex LicenseField();

    [GeneratedRegex(@"/usr/share/common-licenses/(?<license>[0-9A-Za-z_.+\-]+)")]
    private static partial Regex CommonLicense();
}
