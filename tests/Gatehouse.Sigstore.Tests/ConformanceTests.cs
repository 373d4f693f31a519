using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Gatehouse.Sigstore.Tests;

/// <summary>Every row of sigstore-conformance/cases.tsv must give its expected outcome.</summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(ConformanceData.CaseNames), MemberType = typeof(ConformanceData))]
    public async Task VerifyBundleCliGivesTheExpectedOutcome(string caseName)
    {
        var testCase = ConformanceData.Get(caseName);
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);

        var exitCode = await VerifyBundleCommand.RunAsync(ConformanceVerification.CliArguments(testCase), stdout, stderr);

        output.WriteLine(stdout.ToString() + stderr);
        Assert.True(exitCode == (testCase.ExpectPass ? 0 : 1),
            $"{caseName}: expected {(testCase.ExpectPass ? "pass" : "fail")}, exit {exitCode}: {stderr}");
        if (!testCase.ExpectPass)
        {
            Assert.StartsWith("error: ", stderr.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryCaseGivesItsExpectedOutcomeThroughTheApi()
    {
        var report = new StringBuilder();
        int passCases = 0, passCorrect = 0, failCases = 0, failCorrect = 0;
        foreach (var testCase in ConformanceData.All.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var result = ConformanceVerification.Run(testCase);
            var correct = result.IsVerified == testCase.ExpectPass;
            if (testCase.ExpectPass)
            {
                passCases++;
                passCorrect += correct ? 1 : 0;
            }
            else
            {
                failCases++;
                failCorrect += correct ? 1 : 0;
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"{(correct ? "ok  " : "BAD ")} {testCase.Name}: {result}");
        }

        output.WriteLine($"pass cases verified: {passCorrect}/{passCases}; fail cases rejected: {failCorrect}/{failCases}");
        output.WriteLine(report.ToString());
        Assert.Equal(56, passCases + failCases);
        Assert.Equal((passCases, failCases), (passCorrect, failCorrect));
    }
}
