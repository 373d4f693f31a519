using System.Diagnostics.CodeAnalysis;
using static Gatehouse.Scanner.Advisories.Severity.Cvss4Tables;

namespace Gatehouse.Scanner.Advisories.Severity;

// CVSS v4.0 score (FIRST specification section 8): the vector's MacroVector (EQ1..EQ6) gives the
// score of its highest-severity vector, then the vector's severity distance from that maximum,
// interpolated towards each next-lower MacroVector, is subtracted. Ported step by step from the
// reference implementation with the same double arithmetic, so results agree to the last digit.
// Threat and environmental metrics take part as the specification defines (CVSS-BT/BE/BTE).
public static class Cvss4
{
    private static readonly string[] Required = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];
    private static readonly string[] ImpactMetrics = ["VC", "VI", "VA", "SC", "SI", "SA"];
    private static readonly string[] NoneHighLow = ["X", "H", "L", "N"];

    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["AV"] = ["N", "A", "L", "P"],
        ["AC"] = ["L", "H"],
        ["AT"] = ["N", "P"],
        ["PR"] = ["N", "L", "H"],
        ["UI"] = ["N", "P", "A"],
        ["VC"] = ["N", "L", "H"],
        ["VI"] = ["N", "L", "H"],
        ["VA"] = ["N", "L", "H"],
        ["SC"] = ["N", "L", "H"],
        ["SI"] = ["N", "L", "H"],
        ["SA"] = ["N", "L", "H"],
        ["E"] = ["X", "A", "P", "U"],
        ["CR"] = ["X", "H", "M", "L"],
        ["IR"] = ["X", "H", "M", "L"],
        ["AR"] = ["X", "H", "M", "L"],
        ["MAV"] = ["X", "N", "A", "L", "P"],
        ["MAC"] = ["X", "L", "H"],
        ["MAT"] = ["X", "N", "P"],
        ["MPR"] = ["X", "N", "L", "H"],
        ["MUI"] = ["X", "N", "P", "A"],
        ["MVC"] = NoneHighLow,
        ["MVI"] = NoneHighLow,
        ["MVA"] = NoneHighLow,
        ["MSC"] = NoneHighLow,
        ["MSI"] = ["X", "S", "H", "L", "N"],
        ["MSA"] = ["X", "S", "H", "L", "N"],
        ["S"] = ["X", "N", "P"],
        ["AU"] = ["X", "N", "Y"],
        ["R"] = ["X", "A", "U", "I"],
        ["V"] = ["X", "D", "C"],
        ["RE"] = ["X", "L", "M", "H"],
        ["U"] = ["X", "Clear", "Green", "Amber", "Red"],
    };

    public static bool TryScore(string? vector, [NotNullWhen(true)] out CvssScore? score, [NotNullWhen(false)] out string? error)
    {
        score = null;
        if (!CvssVector.TryParse(vector, Allowed, Required, out string? version, out Dictionary<string, string>? metrics, out error))
        {
            return false;
        }

        if (version != "4.0")
        {
            error = $"not a CVSS v4.0 vector (version '{version}')";
            return false;
        }

        double value = Score(metrics);
        score = new CvssScore("4.0", value, SeverityLevels.FromCvss3Or4(value), vector!.Trim());
        return true;
    }

    private static double Score(Dictionary<string, string> metrics)
    {
        string Effective(string metric)
        {
            string selected = metrics.GetValueOrDefault(metric, "X");
            if (selected == "X")
            {
                // Unset threat and security-requirement metrics assume the worst case.
                string? worst = metric switch { "E" => "A", "CR" or "IR" or "AR" => "H", _ => null };
                if (worst is not null)
                {
                    return worst;
                }
            }

            return metrics.TryGetValue("M" + metric, out string? modified) && modified != "X" ? modified : selected;
        }

        if (ImpactMetrics.All(m => Effective(m) == "N"))
        {
            return 0.0;
        }

        int[] eq = MacroVector(Effective);
        double value = MacroVectorScores[Key(eq)];

        // 1. Maximal scoring difference to each next-lower MacroVector (NaN where none exists).
        double lowerEq1 = Lookup(eq, 0, 1);
        double lowerEq2 = Lookup(eq, 1, 1);
        double lowerEq3Eq6 = (eq[2], eq[5]) switch
        {
            (1, 1) or (0, 1) => Lookup(eq, 2, 1),
            (1, 0) => Lookup(eq, 5, 1),
            (0, 0) => Math.Max(Lookup(eq, 5, 1), Lookup(eq, 2, 1)),
            _ => Lookup(Lookup2(eq)),
        };
        double lowerEq4 = Lookup(eq, 3, 1);
        double lowerEq5 = Lookup(eq, 4, 1);

        // 2. Severity distance from the first highest-severity vector that is at least as severe.
        Dictionary<string, double>? distances = null;
        foreach (string maxVector in MaxVectors(eq))
        {
            Dictionary<string, string> max = maxVector.Split('/').Select(p => p.Split(':')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            distances = MetricLevels.ToDictionary(
                level => level.Key,
                level => level.Value[Effective(level.Key)] - level.Value[max[level.Key]],
                StringComparer.Ordinal);
            if (distances.Values.All(d => d >= 0))
            {
                break;
            }
        }

        distances ??= [];
        double distanceEq1 = distances["AV"] + distances["PR"] + distances["UI"];
        double distanceEq2 = distances["AC"] + distances["AT"];
        double distanceEq3Eq6 = distances["VC"] + distances["VI"] + distances["VA"] + distances["CR"] + distances["IR"] + distances["AR"];
        double distanceEq4 = distances["SC"] + distances["SI"] + distances["SA"];

        const double Step = 0.1;
        int existingLower = 0;
        double sum = 0;
        Accumulate(value - lowerEq1, distanceEq1, Eq1Depth[eq[0]] * Step);
        Accumulate(value - lowerEq2, distanceEq2, Eq2Depth[eq[1]] * Step);
        Accumulate(value - lowerEq3Eq6, distanceEq3Eq6, Eq3Eq6Depth[eq[2]][eq[5]] * Step);
        Accumulate(value - lowerEq4, distanceEq4, Eq4Depth[eq[3]] * Step);
        Accumulate(value - lowerEq5, 0, 1); // EQ5's proportion is always 0 but it counts.

        // 3. The MacroVector's score minus the mean proportional distance, rounded half up.
        double mean = existingLower == 0 ? 0 : sum / existingLower;
        double clamped = Math.Max(0, Math.Min(10, value - mean));
        return Math.Floor((clamped * 10) + 0.5) / 10;

        void Accumulate(double available, double current, double depth)
        {
            if (!double.IsNaN(available))
            {
                existingLower++;
                sum += available * (current / depth);
            }
        }
    }

    private static int[] MacroVector(Func<string, string> m)
    {
        string av = m("AV"), pr = m("PR"), ui = m("UI");
        int eq1 = av == "N" && pr == "N" && ui == "N" ? 0
            : (av == "N" || pr == "N" || ui == "N") && av != "P" ? 1
            : 2;
        int eq2 = m("AC") == "L" && m("AT") == "N" ? 0 : 1;
        string vc = m("VC"), vi = m("VI"), va = m("VA");
        int eq3 = vc == "H" && vi == "H" ? 0 : vc == "H" || vi == "H" || va == "H" ? 1 : 2;
        int eq4 = m("MSI") == "S" || m("MSA") == "S" ? 0 : m("SC") == "H" || m("SI") == "H" || m("SA") == "H" ? 1 : 2;
        int eq5 = m("E") switch { "A" => 0, "P" => 1, _ => 2 };
        int eq6 = (m("CR") == "H" && vc == "H") || (m("IR") == "H" && vi == "H") || (m("AR") == "H" && va == "H") ? 0 : 1;
        return [eq1, eq2, eq3, eq4, eq5, eq6];
    }

    private static IEnumerable<string> MaxVectors(int[] eq)
    {
        foreach (string e1 in Eq1Max[eq[0]])
        {
            foreach (string e2 in Eq2Max[eq[1]])
            {
                foreach (string e3 in Eq3Eq6Max[eq[2]][eq[5]])
                {
                    foreach (string e4 in Eq4Max[eq[3]])
                    {
                        foreach (string e5 in Eq5Max[eq[4]])
                        {
                            yield return string.Join('/', e1, e2, e3, e4, e5);
                        }
                    }
                }
            }
        }
    }

    private static string Key(int[] eq) => string.Concat(eq.Select(d => (char)('0' + d)));

    private static double Lookup(int[] eq, int position, int increment)
    {
        int[] next = (int[])eq.Clone();
        next[position] += increment;
        return Lookup(next);
    }

    // EQ3=2/EQ6=1 has no lower neighbour: both step together to a MacroVector that does not exist.
    private static int[] Lookup2(int[] eq)
    {
        int[] next = (int[])eq.Clone();
        next[2]++;
        next[5]++;
        return next;
    }

    private static double Lookup(int[] eq) =>
        eq.All(d => d <= 9) && MacroVectorScores.TryGetValue(Key(eq), out double score) ? score : double.NaN;
}
