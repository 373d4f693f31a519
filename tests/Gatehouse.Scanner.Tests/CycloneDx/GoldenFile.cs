using System.Runtime.CompilerServices;

namespace Gatehouse.Scanner.Tests.CycloneDx;

/// <summary>Compares output with a checked-in file under tests/Gatehouse.Scanner.Tests/Golden; with
/// UPDATE_GOLDEN=1 the file is rewritten instead (review the diff before committing it).</summary>
internal static class GoldenFile
{
    public static void AssertMatches(string name, byte[] actual, [CallerFilePath] string callerPath = "")
    {
        var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "Golden", name));
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(actual));
    }
}
