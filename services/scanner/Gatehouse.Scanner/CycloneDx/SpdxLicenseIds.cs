using System.Collections.Frozen;

namespace Gatehouse.Scanner.CycloneDx;

/// <summary>
/// The SPDX license identifiers Gatehouse emits as CycloneDX <c>license.id</c>. The schema only accepts
/// ids from the SPDX list it ships with, so this is a curated subset (the licenses package metadata
/// actually declares); a declared string outside it becomes a license name, which is always valid.
/// A test checks every entry against the schema's own list.
/// </summary>
public static class SpdxLicenseIds
{
    private static readonly string[] Known =
    [
        "0BSD", "AFL-2.1", "AFL-3.0", "AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0", "AGPL-3.0-only",
        "AGPL-3.0-or-later", "Apache-1.0", "Apache-1.1", "Apache-2.0", "APSL-2.0", "Artistic-1.0",
        "Artistic-1.0-Perl", "Artistic-1.0-cl8", "Artistic-2.0", "Beerware", "BlueOak-1.0.0", "BSD-1-Clause",
        "BSD-2-Clause", "BSD-2-Clause-Patent", "BSD-2-Clause-Views", "BSD-3-Clause", "BSD-3-Clause-Clear",
        "BSD-3-Clause-LBNL", "BSD-4-Clause", "BSD-4-Clause-UC", "BSD-Source-Code", "BSL-1.0", "bzip2-1.0.6",
        "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-PDDC", "CC0-1.0", "CDDL-1.0", "CDDL-1.1",
        "CPL-1.0", "curl", "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "FSFAP", "FSFUL",
        "FSFULLR", "FTL", "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3-only", "GFDL-1.3-or-later",
        "GPL-1.0-only", "GPL-1.0-or-later", "GPL-1.0+", "GPL-2.0", "GPL-2.0+", "GPL-2.0-only",
        "GPL-2.0-or-later", "GPL-2.0-with-classpath-exception", "GPL-3.0", "GPL-3.0+", "GPL-3.0-only",
        "GPL-3.0-or-later", "HPND", "ICU", "IJG", "Info-ZIP", "ISC", "JSON", "LGPL-2.0", "LGPL-2.0+",
        "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1", "LGPL-2.1+", "LGPL-2.1-only", "LGPL-2.1-or-later",
        "LGPL-3.0", "LGPL-3.0+", "LGPL-3.0-only", "LGPL-3.0-or-later", "libpng-2.0", "Libpng", "MIT", "MIT-0",
        "MIT-CMU", "MPL-1.0", "MPL-1.1", "MPL-2.0", "MPL-2.0-no-copyleft-exception", "MS-PL", "MS-RL",
        "NCSA", "ODbL-1.0", "OFL-1.1", "OLDAP-2.8", "OpenSSL", "OSL-3.0", "PHP-3.01", "PostgreSQL",
        "PSF-2.0", "Python-2.0", "Python-2.0.1", "Ruby", "Sleepycat", "TCL", "Unicode-3.0", "Unicode-DFS-2016",
        "Unlicense", "UPL-1.0", "Vim", "W3C", "WTFPL", "X11", "Zlib", "ZPL-2.0", "ZPL-2.1",
    ];

    private static readonly string[] KnownExceptions =
    [
        "389-exception", "Autoconf-exception-2.0", "Autoconf-exception-3.0", "Bison-exception-2.2",
        "Classpath-exception-2.0", "Font-exception-2.0", "GCC-exception-2.0", "GCC-exception-3.1",
        "LLVM-exception", "Libtool-exception", "OpenJDK-assembly-exception-1.0", "Qt-GPL-exception-1.0",
        "Qt-LGPL-exception-1.1", "u-boot-exception-2.0",
    ];

    // SPDX matching is case-insensitive; the canonical spelling is what gets written.
    private static readonly FrozenDictionary<string, string> Canonical =
        Known.ToFrozenDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> CanonicalExceptions =
        KnownExceptions.ToFrozenDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> All => Known;

    public static IReadOnlyCollection<string> AllExceptions => KnownExceptions;

    public static bool TryGetCanonical(string id, out string canonical) =>
        Canonical.TryGetValue(id, out canonical!);

    public static bool TryGetCanonicalException(string id, out string canonical) =>
        CanonicalExceptions.TryGetValue(id, out canonical!);
}
