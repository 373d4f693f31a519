using Gatehouse.Policy.Model;

namespace Gatehouse.Policy.Tests;

/// <summary>A minimal valid policy to vary in tests, and loading helpers with a fixed clock.</summary>
internal static class PolicyYaml
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static PolicyLoadOptions Options => new(Now);

    public static string Minimal(string spec = "", string profile = "prod", string name = "prod") => $"""
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: {name}
        spec:
          profile: {profile}
        {Indent(spec)}
        """;

    public static PolicyLoadResult Load(string yaml) => ImagePolicyLoader.LoadText(yaml, "test.yaml", Options);

    public static ImagePolicy Single(string spec)
    {
        var result = Load(Minimal(spec));
        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        return Assert.Single(result.Policies);
    }

    /// <summary>The single error of loading <paramref name="spec"/>, as text.</summary>
    public static string Error(string spec)
    {
        var result = Load(Minimal(spec));
        return Assert.Single(result.Errors).ToString();
    }

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : "  " + line));
}
