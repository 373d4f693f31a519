namespace Gatehouse.Scanner.Versioning.Tests;

// versions/dpkg*.tsv. dpkg.tsv was checked against `dpkg --compare-versions` 1.21, which tolerates
// syntax warnings ("a-0"), so its rows run in DpkgTool mode; the strict default must agree on
// every row it accepts and may refuse only strings dpkg warns about.
public class DpkgTsvTests
{
    public static TheoryData<int, string, string, int> Rows => TestData.ComparisonRows("dpkg.tsv");

    public static TheoryData<int, string, string, int> LenientRows => TestData.ComparisonRows("dpkg-lenient.tsv");

    public static TheoryData<int, string, string> InvalidRows
    {
        get
        {
            var data = new TheoryData<int, string, string>();
            foreach (TsvRow row in TestData.ReadVersionsTsv("dpkg-invalid.tsv", "version", "expected_problem"))
            {
                data.Add(row.Line, row.Fields[0], row.Fields[1]);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Dpkg_tool_mode_orders_like_dpkg(int line, string a, string b, int expected)
    {
        Assert.True(DpkgVersionScheme.DpkgTool.TryCompare(a, b, out int sign, out string? error), $"line {line}: {error}");
        Assert.True(expected == sign, $"line {line}: compare('{a}', '{b}') = {sign}, expected {expected}");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Strict_mode_agrees_or_refuses_only_what_dpkg_warns_about(int line, string a, string b, int expected)
    {
        if (DpkgVersionScheme.Strict.TryCompare(a, b, out int sign, out _))
        {
            Assert.True(expected == sign, $"line {line}: compare('{a}', '{b}') = {sign}, expected {expected}");
            return;
        }

        string refused = DpkgVersionScheme.Strict.TryParse(a, out _, out _) ? b : a;
        Assert.True(DpkgVersionScheme.DpkgTool.TryParseVersion(refused, out DpkgVersion? tolerated, out string? error), error);
        Assert.NotNull(tolerated.Warning);
    }

    [Theory]
    [MemberData(nameof(InvalidRows))]
    public void Invalid_strings_are_rejected_by_strict_syntax(int line, string version, string problem)
    {
        Assert.False(DpkgVersionScheme.Strict.TryParse(version, out _, out string? error), $"line {line}: '{version}' accepted");
        Assert.False(DpkgVersionScheme.Strict.TryCompare(version, "1.0", out _, out error), $"line {line}");
        Assert.StartsWith("invalid version 'a'", error, StringComparison.Ordinal);

        // dpkg refuses errors outright and only warns about the rest; DpkgTool mirrors that split.
        bool toolAccepts = DpkgVersionScheme.DpkgTool.TryParseVersion(version, out DpkgVersion? tolerated, out _);
        if (problem == "error")
        {
            Assert.False(toolAccepts, $"line {line}: dpkg refuses '{version}'");
        }
        else if (problem == "warning")
        {
            Assert.True(toolAccepts, $"line {line}: dpkg only warns about '{version}'");
            Assert.NotNull(tolerated!.Warning);
        }
    }

    [Theory]
    [MemberData(nameof(LenientRows))]
    public void Lenient_mode_orders_old_dpkg_rows(int line, string a, string b, int expected)
    {
        Assert.True(DpkgVersionScheme.Lenient.TryCompare(a, b, out int sign, out string? error), $"line {line}: {error}");
        Assert.True(expected == sign, $"line {line}: compare('{a}', '{b}') = {sign}, expected {expected}");

        // Modern dpkg refuses these strings, so neither stricter mode may compare them.
        Assert.False(DpkgVersionScheme.DpkgTool.TryCompare(a, b, out _, out _), $"line {line}");
        Assert.False(DpkgVersionScheme.Strict.TryCompare(a, b, out _, out _), $"line {line}");
    }
}
