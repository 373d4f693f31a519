using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Gatehouse.Deploy.Tests.Rendering;

/// <summary>
/// Renders deploy/k8s/overlays/&lt;env&gt; with <c>kubectl kustomize</c>, once per overlay per test run. A missing
/// kubectl is a failure, never a skip: these tests are the only check the manifests get before a cluster sees them.
/// </summary>
public static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedOverlay>> Cache = new(StringComparer.Ordinal);

    public static string DeployRoot => Path.Combine(RepoRoot.Path, "deploy", "k8s");

    public static RenderedOverlay Overlay(string environment) =>
        Cache.GetOrAdd(environment, env => new Lazy<RenderedOverlay>(() =>
            new RenderedOverlay(env, Manifest.ParseAll(Build(Path.Combine(DeployRoot, "overlays", env)))))).Value;

    /// <summary>The YAML stream <c>kubectl kustomize</c> prints for <paramref name="directory"/>.</summary>
    public static string Build(string directory)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("kubectl is required to render deploy/k8s (kubectl kustomize); it was not found on PATH: " + ex.Message, ex);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl kustomize {directory} did not finish within 2 minutes");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {stderr.Result}");
            return stdout;
        }
    }
}

/// <summary>The repository root: the folder holding Platform.sln, above the test assembly.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Platform.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Path => Root.Value;
}
