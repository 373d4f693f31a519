using Gatehouse.Scanner.Advisories.Severity;

namespace Gatehouse.Scanner.Advisories.Tests;

// Expected scores: the CVSS v3.1 specification's worked examples (FIRST "CVSS v3.1 Examples"),
// and vectors from RedHatProductSecurity/cvss test data (tests/vectors_simple31, vectors_simple4,
// vectors_threat4, vectors_security4), which are checked against FIRST's calculators.
public sealed class CvssTests
{
    [Theory]
    // FIRST v3.1 examples document.
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1)] // CVE-2013-1937 phpMyAdmin XSS
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4)] // CVE-2013-0375 MySQL
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1)] // CVE-2014-3566 POODLE
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9)] // CVE-2012-1516 VMware
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5)] // CVE-2014-0160 Heartbleed
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)] // CVE-2014-6271 Shellshock
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8)] // CVE-2008-1447 DNS cache poisoning
    [InlineData("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8)] // CVE-2015-1098 iWork
    // vectors_simple31.
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N", 9.3)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 3.5)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:N/A:N", 4.1)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0.0)]
    // v3.0 vectors score with the same equations.
    [InlineData("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", 5.9)] // GHSA-xx65-cc7g-9pfp
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1)]
    // Tolerated: GHSA-f5pg-7wfw-84q9's trailing '/' and temporal metrics (base score only).
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/", 9.8)]
    public void Cvss3_base_scores_match_the_specification(string vector, double expected)
    {
        Assert.True(Cvss3.TryScore(vector, out CvssScore? score, out string? error), error);
        Assert.Equal(expected, score.BaseScore);
    }

    [Fact]
    public void Cvss31_roundup_is_the_specifications_integer_roundup_and_v30_is_ceiling()
    {
        // Appendix A: Roundup returns the smallest one-decimal number >= the input...
        Assert.Equal(4.1m, Cvss3.Roundup31(4.02m));
        Assert.Equal(4.0m, Cvss3.Roundup31(4.00m));
        // ...ignoring noise below 1e-5, which v3.0's plain ceiling turned into a whole step.
        Assert.Equal(4.0m, Cvss3.Roundup31(4.000001m));
        Assert.Equal(4.1m, Cvss3.Roundup30(4.000001m));
    }

    [Theory]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, SeverityLevel.High)]
    [InlineData("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, SeverityLevel.High)]
    [InlineData("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, SeverityLevel.Medium)]
    [InlineData("AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2, SeverityLevel.High)]
    [InlineData("(AV:N/AC:L/Au:N/C:N/I:N/A:P)", 5.0, SeverityLevel.Medium)]
    public void Cvss2_base_scores_match_the_guide(string vector, double expected, SeverityLevel level)
    {
        Assert.True(Cvss2.TryScore(vector, out CvssScore? score, out string? error), error);
        Assert.Equal(expected, score.BaseScore);
        Assert.Equal(level, score.Level);
    }

    [Theory]
    // The specification's example vectors.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9)]
    // vectors_simple4.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L", 7.8)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H", 7.9)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N", 8.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L", 5.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 5.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:L/SC:N/SI:L/SA:N", 7.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:H/VI:L/VA:L/SC:L/SI:L/SA:L", 7.0)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 4.8)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:A/VC:L/VI:N/VA:N/SC:H/SI:N/SA:H", 6.0)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.5)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N", 2.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L", 9.4)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:H", 4.3)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.0)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:L/VI:L/VA:H/SC:L/SI:N/SA:N", 8.3)]
    // vectors_threat4: exploit maturity lowers the score.
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 7.3)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P", 5.9)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 4.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 0.0)]
    // vectors_security4: security requirements.
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:M", 7.2)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L", 7.1)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M", 5.5)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.4)]
    public void Cvss4_scores_match_the_reference_implementation(string vector, double expected)
    {
        Assert.True(Cvss4.TryScore(vector, out CvssScore? score, out string? error), error);
        Assert.Equal(expected, score.BaseScore);
        Assert.Equal(SeverityLevels.FromCvss3Or4(expected), score.Level);
    }

    [Fact]
    public void The_macrovector_table_has_every_macrovector_once()
    {
        // EQ1 x EQ2 x (EQ3,EQ6 in 00,01,10,11,21) x EQ4 x EQ5 = 3 * 2 * 5 * 3 * 3.
        Assert.Equal(270, Cvss4Tables.MacroVectorScores.Count);
        Assert.All(Cvss4Tables.MacroVectorScores, kv =>
        {
            Assert.Matches("^[0-2][0-1][0-2][0-2][0-2][0-1]$", kv.Key);
            Assert.False(kv.Key[2] == '2' && kv.Key[5] == '0', kv.Key);
            Assert.InRange(kv.Value, 0.1, 10.0);
        });
        Assert.Equal(10.0, Cvss4Tables.MacroVectorScores["000000"]);
        Assert.Equal(0.1, Cvss4Tables.MacroVectorScores["212221"]);
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "base metric A is missing")]
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value 'X'")]
    [InlineData("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV appears twice")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", "unknown metric 'ZZ'")]
    [InlineData("CVSS:2.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a CVSS v3 vector")]
    public void Invalid_cvss3_vectors_are_rejected_with_a_reason(string vector, string reason)
    {
        Assert.False(Cvss3.TryScore(vector, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_cvss4_vectors_are_rejected()
    {
        Assert.False(Cvss4.TryScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", out _, out string? missing));
        Assert.Contains("SA is missing", missing, StringComparison.Ordinal);
        Assert.False(Cvss4.TryScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", out _, out string? subsequentSafety));
        Assert.Contains("SI has no value 'S'", subsequentSafety, StringComparison.Ordinal); // S only exists for MSI
    }
}
