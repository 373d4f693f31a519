namespace Gatehouse.Scanner.Versioning;

// Which implementation's parsing rules apply. Ordering is SemVer 2.0 precedence in all dialects
// (build metadata ignored).
public enum SemverDialect
{
    // node-semver strict: optional leading "v", surrounding whitespace trimmed, at most 256
    // characters, major/minor/patch at most 2^53-1.
    Node,

    // node-semver loose: also "=", inner whitespace, leading zeros, and a pre-release without "-".
    NodeLoose,

    // golang.org/x/mod/semver, with the "v" optional (OSV stores Go versions without it);
    // shorthand "v1" / "v1.2" allowed; "+incompatible" is build metadata and ignored.
    Go,

    // Rust's semver crate as cargo uses it: no "v", no whitespace, major/minor/patch fit u64.
    Cargo,
}
