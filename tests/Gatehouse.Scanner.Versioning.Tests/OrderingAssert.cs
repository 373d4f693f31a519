namespace Gatehouse.Scanner.Versioning.Tests;

internal static class OrderingAssert
{
    // Checks the string path both ways round and the parsed path, which must all agree.
    public static void Compares(IVersionScheme scheme, string a, string b, int expected)
    {
        Assert.True(scheme.TryCompare(a, b, out int sign, out string? error), error);
        Assert.True(expected == sign, $"{scheme.Name}: compare('{a}', '{b}') = {sign}, expected {expected}");
        Assert.True(scheme.TryCompare(b, a, out int reverse, out error), error);
        Assert.True(-expected == reverse, $"{scheme.Name}: compare('{b}', '{a}') = {reverse}, expected {-expected}");
        Assert.Equal(expected, scheme.Compare(a, b));

        Assert.True(scheme.TryParse(a, out IComparableVersion? left, out error), error);
        Assert.True(scheme.TryParse(b, out IComparableVersion? right, out error), error);
        Assert.Equal(expected, Math.Sign(left.CompareTo(right)));
    }

    // Rejected by parsing, by the non-throwing compare (naming side a or b), and by Compare.
    public static void Rejects(IVersionScheme scheme, string text, string validOther)
    {
        Assert.False(scheme.TryParse(text, out IComparableVersion? version, out string? error), $"{scheme.Name} accepted '{text}'");
        Assert.Null(version);
        Assert.False(string.IsNullOrWhiteSpace(error));

        Assert.False(scheme.TryCompare(text, validOther, out _, out string? compareError));
        Assert.StartsWith($"invalid version 'a' ('{text}'): ", compareError, StringComparison.Ordinal);
        Assert.False(scheme.TryCompare(validOther, text, out _, out compareError));
        Assert.StartsWith($"invalid version 'b' ('{text}'): ", compareError, StringComparison.Ordinal);

        InvalidVersionException thrown = Assert.Throws<InvalidVersionException>(() => scheme.Compare(validOther, text));
        Assert.Equal("b", thrown.Side);
        Assert.Equal(text, thrown.Text);
        Assert.Equal(scheme.Name, thrown.SchemeName);
    }
}
