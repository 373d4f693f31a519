using System.Diagnostics.CodeAnalysis;

// Parsed versions implement IComparable for sorting but deliberately define no equality: versions
// of equal precedence can differ ("1.0" and "1.0.0" in PEP 440, "1ga" and "1" in Maven), and rpm's
// "a missing release matches any release" is not an equivalence, so no consistent hash exists.
[assembly: SuppressMessage(
    "Design",
    "CA1036:Override methods on comparable types",
    Justification = "Precedence equality is not an equivalence for every scheme; see comment above.",
    Scope = "namespaceanddescendants",
    Target = "~N:Gatehouse.Scanner.Versioning")]
