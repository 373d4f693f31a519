namespace Gatehouse.Scanner.Versioning;

// How much of dpkg's tolerance to accept. dpkg's parseversion distinguishes errors (refused)
// from warnings ("bad syntax", yet still compared by `dpkg --compare-versions`).
public enum DpkgParseMode
{
    // Debian Policy syntax: rejects everything dpkg refuses or warns about. The registered default.
    Strict,

    // Exactly what dpkg 1.21 `--compare-versions` accepts: warnings are tolerated and recorded
    // on DpkgVersion.Warning, errors are rejected.
    DpkgTool,

    // DpkgTool plus an empty upstream version ("-0.6.5") or an empty revision ("0foo-"), as old
    // Dpkg::Version accepted; both empty parts compare as empty strings.
    Lenient,
}
