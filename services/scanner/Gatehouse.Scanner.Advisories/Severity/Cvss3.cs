using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Advisories.Severity;

// CVSS v3.0 / v3.1 base score (FIRST specification, section 7.1 and Appendix A). Arithmetic is
// decimal so the result is the exact value the equations intend; v3.1 rounds with the
// specification's Roundup (integer-based, immune to float error), v3.0 with ceil-to-one-decimal
// as v3.0 specified. Temporal and environmental metrics are validated but not scored.
public static class Cvss3
{
    private static readonly string[] Required = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["AV"] = ["N", "A", "L", "P"],
        ["AC"] = ["L", "H"],
        ["PR"] = ["N", "L", "H"],
        ["UI"] = ["N", "R"],
        ["S"] = ["U", "C"],
        ["C"] = ["H", "L", "N"],
        ["I"] = ["H", "L", "N"],
        ["A"] = ["H", "L", "N"],
        ["E"] = ["X", "U", "P", "F", "H"],
        ["RL"] = ["X", "O", "T", "W", "U"],
        ["RC"] = ["X", "U", "R", "C"],
        ["CR"] = ["X", "L", "M", "H"],
        ["IR"] = ["X", "L", "M", "H"],
        ["AR"] = ["X", "L", "M", "H"],
        ["MAV"] = ["X", "N", "A", "L", "P"],
        ["MAC"] = ["X", "L", "H"],
        ["MPR"] = ["X", "N", "L", "H"],
        ["MUI"] = ["X", "N", "R"],
        ["MS"] = ["X", "U", "C"],
        ["MC"] = ["X", "N", "L", "H"],
        ["MI"] = ["X", "N", "L", "H"],
        ["MA"] = ["X", "N", "L", "H"],
    };

    public static bool TryScore(string? vector, [NotNullWhen(true)] out CvssScore? score, [NotNullWhen(false)] out string? error)
    {
        score = null;
        if (!CvssVector.TryParse(vector, Allowed, Required, out string? version, out Dictionary<string, string>? m, out error))
        {
            return false;
        }

        if (version is not ("3.0" or "3.1"))
        {
            error = $"not a CVSS v3 vector (version '{version}')";
            return false;
        }

        bool changed = m["S"] == "C";
        decimal iss = 1m - ((1m - Cia(m["C"])) * (1m - Cia(m["I"])) * (1m - Cia(m["A"])));
        decimal impact = changed
            ? (7.52m * (iss - 0.029m)) - (3.25m * Power(iss - 0.02m, 15))
            : 6.42m * iss;
        decimal exploitability = 8.22m * AttackVector(m["AV"]) * (m["AC"] == "L" ? 0.77m : 0.44m)
            * Privileges(m["PR"], changed) * (m["UI"] == "N" ? 0.85m : 0.62m);

        decimal baseScore = 0m;
        if (impact > 0m)
        {
            decimal raw = changed ? Math.Min(1.08m * (impact + exploitability), 10m) : Math.Min(impact + exploitability, 10m);
            baseScore = version == "3.1" ? Roundup31(raw) : Roundup30(raw);
        }

        double value = (double)baseScore;
        score = new CvssScore(version, value, SeverityLevels.FromCvss3Or4(value), vector!.Trim());
        return true;
    }

    // Appendix A: the smallest number with one decimal place that is >= the input, computed on
    // an integer so 4.000000001-style float noise cannot round up.
    internal static decimal Roundup31(decimal value)
    {
        decimal intInput = Math.Round(value * 100000m, MidpointRounding.AwayFromZero);
        return intInput % 10000m == 0m ? intInput / 100000m : (Math.Floor(intInput / 10000m) + 1m) / 10m;
    }

    internal static decimal Roundup30(decimal value) => Math.Ceiling(value * 10m) / 10m;

    private static decimal AttackVector(string value) => value switch
    {
        "N" => 0.85m,
        "A" => 0.62m,
        "L" => 0.55m,
        _ => 0.2m,
    };

    private static decimal Privileges(string value, bool scopeChanged) => value switch
    {
        "N" => 0.85m,
        "L" => scopeChanged ? 0.68m : 0.62m,
        _ => scopeChanged ? 0.5m : 0.27m,
    };

    private static decimal Cia(string value) => value switch
    {
        "H" => 0.56m,
        "L" => 0.22m,
        _ => 0m,
    };

    private static decimal Power(decimal value, int exponent)
    {
        decimal result = 1m;
        for (int i = 0; i < exponent; i++)
        {
            result *= value;
        }

        return result;
    }
}

// CVSS v2 base score (FIRST CVSS v2 guide, section 3.2.1), rounded half up to one decimal.
public static class Cvss2
{
    private static readonly string[] Required = ["AV", "AC", "Au", "C", "I", "A"];

    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["AV"] = ["L", "A", "N"],
        ["AC"] = ["H", "M", "L"],
        ["Au"] = ["M", "S", "N"],
        ["C"] = ["N", "P", "C"],
        ["I"] = ["N", "P", "C"],
        ["A"] = ["N", "P", "C"],
        ["E"] = ["U", "POC", "F", "H", "ND"],
        ["RL"] = ["OF", "TF", "W", "U", "ND"],
        ["RC"] = ["UC", "UR", "C", "ND"],
        ["CDP"] = ["N", "L", "LM", "MH", "H", "ND"],
        ["TD"] = ["N", "L", "M", "H", "ND"],
        ["CR"] = ["L", "M", "H", "ND"],
        ["IR"] = ["L", "M", "H", "ND"],
        ["AR"] = ["L", "M", "H", "ND"],
    };

    public static bool TryScore(string? vector, [NotNullWhen(true)] out CvssScore? score, [NotNullWhen(false)] out string? error)
    {
        score = null;
        if (!CvssVector.TryParse(vector, Allowed, Required, out string? version, out Dictionary<string, string>? m, out error))
        {
            return false;
        }

        if (version != "2.0")
        {
            error = $"not a CVSS v2 vector (version '{version}')";
            return false;
        }

        decimal impact = 10.41m * (1m - ((1m - Cia(m["C"])) * (1m - Cia(m["I"])) * (1m - Cia(m["A"]))));
        decimal av = m["AV"] switch { "L" => 0.395m, "A" => 0.646m, _ => 1.0m };
        decimal ac = m["AC"] switch { "H" => 0.35m, "M" => 0.61m, _ => 0.71m };
        decimal au = m["Au"] switch { "M" => 0.45m, "S" => 0.56m, _ => 0.704m };
        decimal exploitability = 20m * av * ac * au;
        decimal f = impact == 0m ? 0m : 1.176m;
        decimal raw = ((0.6m * impact) + (0.4m * exploitability) - 1.5m) * f;
        double value = (double)Math.Max(0m, Math.Round(raw, 1, MidpointRounding.AwayFromZero));
        score = new CvssScore("2.0", value, SeverityLevels.FromCvss2(value), vector!.Trim());
        return true;
    }

    private static decimal Cia(string value) => value switch
    {
        "P" => 0.275m,
        "C" => 0.660m,
        _ => 0m,
    };
}
