namespace Gatehouse.Scanner.Versioning.Tests;

// versions/apk*.tsv, transcribed from apk-tools' test/unit/version.data. A few rows use strings
// apk_version_validate rejects ("23_foo", "3.6.9_post1"); apk compares them anyway, so the rows run
// against the lenient scheme, and the strict default must agree whenever both sides are valid.
public class ApkTsvTests
{
    public static TheoryData<int, string, string, int> Rows => TestData.ComparisonRows("apk.tsv");

    public static TheoryData<int, string, bool> ValidityRows
    {
        get
        {
            var data = new TheoryData<int, string, bool>();
            foreach (TsvRow row in TestData.ReadVersionsTsv("apk-validity.tsv", "version", "expected"))
            {
                data.Add(row.Line, row.Fields[0], row.Fields[1] switch
                {
                    "valid" => true,
                    "invalid" => false,
                    _ => throw new InvalidDataException($"apk-validity.tsv:{row.Line}: '{row.Fields[1]}'"),
                });
            }

            return data;
        }
    }

    public static TheoryData<int, string, string, string> FuzzyRows
    {
        get
        {
            var data = new TheoryData<int, string, string, string>();
            foreach (TsvRow row in TestData.ReadVersionsTsv("apk-fuzzy.tsv", "a", "op", "b"))
            {
                data.Add(row.Line, row.Fields[0], row.Fields[1], row.Fields[2]);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Lenient_compare_orders_like_apk(int line, string a, string b, int expected)
    {
        Assert.True(ApkVersionScheme.Lenient.TryCompare(a, b, out int sign, out string? error), $"line {line}: {error}");
        Assert.True(expected == sign, $"line {line}: compare('{a}', '{b}') = {sign}, expected {expected}");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Strict_compare_agrees_when_both_sides_are_valid(int line, string a, string b, int expected)
    {
        bool bothValid = ApkVersionScheme.Strict.TryParse(a, out _, out _) && ApkVersionScheme.Strict.TryParse(b, out _, out _);
        bool compared = ApkVersionScheme.Strict.TryCompare(a, b, out int sign, out _);
        Assert.Equal(bothValid, compared);
        if (compared)
        {
            Assert.True(expected == sign, $"line {line}: compare('{a}', '{b}') = {sign}, expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidityRows))]
    public void Validity_matches_apk_version_validate(int line, string version, bool valid)
    {
        bool parsed = ApkVersionScheme.Strict.TryParse(version, out _, out string? error);
        Assert.True(valid == parsed, $"line {line}: '{version}' parsed={parsed} ({error}), expected valid={valid}");
    }

    // "!op" in the file means the assertion must be false.
    [Theory]
    [MemberData(nameof(FuzzyRows))]
    public void Fuzzy_operators_match_like_apk(int line, string version, string op, string constraint)
    {
        bool negated = op.StartsWith('!');
        string apkOperator = negated ? op[1..] : op;
        Assert.True(ApkVersionScheme.Lenient.TryMatch(version, apkOperator, constraint, out bool matches, out string? error), $"line {line}: {error}");
        Assert.True(matches != negated, $"line {line}: '{version} {apkOperator} {constraint}' = {matches}");

        bool bothValid = ApkVersionScheme.Strict.TryParse(version, out _, out _) && ApkVersionScheme.Strict.TryParse(constraint, out _, out _);
        Assert.Equal(bothValid, ApkVersionScheme.Strict.TryMatch(version, apkOperator, constraint, out bool strictMatches, out _));
        if (bothValid)
        {
            Assert.Equal(matches, strictMatches);
        }
    }
}
