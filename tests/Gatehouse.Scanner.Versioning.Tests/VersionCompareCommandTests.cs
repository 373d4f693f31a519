namespace Gatehouse.Scanner.Versioning.Tests;

public class VersionCompareCommandTests
{
    [Theory]
    [InlineData("dpkg", "1.0", "2.0", "-1")]
    [InlineData("dpkg", "1:1.0", "2.0", "1")]
    [InlineData("deb", "1.0", "1.0-0", "0")]
    [InlineData("pep440", "1.0", "1.0.0", "0")]
    [InlineData("generic", "-1", "1", "0")] // a version starting with '-' is not an option
    public void Prints_the_sign_and_exits_zero(string scheme, string a, string b, string expected)
    {
        (int exit, string stdout, string stderr) = Run(["--scheme", scheme, a, b]);
        Assert.Equal(0, exit);
        Assert.Equal(expected + "\n", stdout);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public void Accepts_scheme_with_equals_sign()
    {
        (int exit, string stdout, _) = Run(["--scheme=semver", "1.0.0-rc.1", "1.0.0"]);
        Assert.Equal(0, exit);
        Assert.Equal("-1\n", stdout);
    }

    [Theory]
    [InlineData("1:", "1.0", "invalid version 'a' ('1:'): nothing after colon in version number")]
    [InlineData("1.0", "1:", "invalid version 'b' ('1:'): nothing after colon in version number")]
    public void Invalid_version_names_the_side_and_exits_two(string a, string b, string message)
    {
        (int exit, string stdout, string stderr) = Run(["--scheme", "dpkg", a, b]);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: {message}\n", stderr);
    }

    [Fact]
    public void Unknown_scheme_lists_the_known_ones()
    {
        (int exit, string stdout, string stderr) = Run(["--scheme", "cobol", "1", "2"]);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("unknown version scheme 'cobol'", stderr, StringComparison.Ordinal);
        Assert.All(VersionSchemes.BuiltIn.Schemes, s => Assert.Contains(s.Name, stderr, StringComparison.Ordinal));
    }

    // Arguments separated by spaces (none of these contain one).
    [Theory]
    [InlineData("")]
    [InlineData("1.0 2.0")] // no scheme
    [InlineData("--scheme dpkg 1.0")] // one version
    [InlineData("--scheme dpkg 1.0 2.0 3.0")]
    [InlineData("--scheme")]
    [InlineData("--scheme dpkg --batch 1.0")]
    [InlineData("--scheme dpkg --frobnicate 1 2")]
    public void Usage_errors_exit_two(string commandLine)
    {
        (int exit, string stdout, string stderr) = Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_prints_usage_and_exits_zero()
    {
        (int exit, string stdout, _) = Run(["--help"]);
        Assert.Equal(0, exit);
        Assert.Contains("--batch", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_prints_one_line_per_input_line_and_continues_after_errors()
    {
        (int exit, string stdout, string stderr) = Run(["--scheme", "dpkg", "--batch"], "1.0\t2.0\r\n1:\t1.0\nno tab here\n2.0\t1.0\n\n1.0\t1:\n");
        string[] lines = stdout.Split('\n');
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(7, lines.Length); // six results and the final newline
        Assert.Equal("-1", lines[0]);
        Assert.Equal("error: line 2: invalid version 'a' ('1:'): nothing after colon in version number", lines[1]);
        Assert.Equal("error: line 3: expected 'a<TAB>b', found 1 field(s)", lines[2]);
        Assert.Equal("1", lines[3]);
        Assert.StartsWith("error: line 5: ", lines[4], StringComparison.Ordinal);
        Assert.Equal("error: line 6: invalid version 'b' ('1:'): nothing after colon in version number", lines[5]);
    }

    [Fact]
    public void Batch_without_errors_exits_zero()
    {
        (int exit, string stdout, _) = Run(["--batch", "--scheme", "maven"], "1.0\t1.0.0\n1.0-SNAPSHOT\t1.0\n");
        Assert.Equal(0, exit);
        Assert.Equal("0\n-1\n", stdout);
    }

    private static (int Exit, string Stdout, string Stderr) Run(string[] args, string stdin = "")
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter { NewLine = "\n" };
        using var errors = new StringWriter { NewLine = "\n" };
        int exit = VersionCompareCommand.Run(args, input, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }
}
