using System.Reflection;
using Gatehouse.Policy.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Sources;

/// <summary>
/// Policies from files (or the built-in examples when none are configured). The first load happens in
/// <see cref="StartAsync"/> and an invalid set stops the start with every error; later edits reload it, and an
/// invalid edit keeps the policies in force (logged) rather than leaving the cluster without policy.
/// </summary>
public sealed partial class FilePolicySource(
    PolicySetHolder holder, IOptions<PolicyOptions> options, TimeProvider time, ILogger<FilePolicySource> logger) : BackgroundService
{
    private const string BuiltInPrefix = "Gatehouse.Policy.Defaults.";
    private readonly SemaphoreSlim _changed = new(0);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var result = Load();
        foreach (var issue in result.Issues) LogIssue(logger, issue);
        holder.Replace(result.GetPoliciesOrThrow());
        LogLoaded(logger, result.Policies.Count, holder.Current.Profiles, holder.Current.Generation);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var files = options.Value.Files;
        if (files.Count == 0) return;
        using var watchers = new WatcherGroup(files, () => _changed.Release());
        while (!stoppingToken.IsCancellationRequested)
        {
            await _changed.WaitAsync(stoppingToken);
            await Task.Delay(options.Value.ReloadDelay, time, stoppingToken);
            while (_changed.CurrentCount > 0) await _changed.WaitAsync(stoppingToken);
            try
            {
                Reload();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // An exception here would stop the host; the policies in force stay, and the next edit retries.
                LogReloadFailed(logger, ex);
            }
        }
    }

    /// <summary>Reloads now (file watchers call this after their quiet time; tests call it directly).</summary>
    public void Reload()
    {
        var result = Load();
        if (!result.Succeeded)
        {
            LogRejected(logger, result.Errors);
            return;
        }
        if (holder.Replace(result.Policies))
            LogLoaded(logger, result.Policies.Count, holder.Current.Profiles, holder.Current.Generation);
    }

    private PolicyLoadResult Load()
    {
        // A running service must not stop loading policy because an allow-list entry expired; decisions report it.
        var loadOptions = new PolicyLoadOptions(time.GetUtcNow(), ExpiredExceptionsAreErrors: false);
        var files = options.Value.Files;
        if (files.Count > 0) return ImagePolicyLoader.LoadPaths(files, loadOptions);
        LogBuiltIn(logger);
        return LoadBuiltIn(loadOptions);
    }

    /// <summary>The example profiles shipped in deploy/k8s/examples, embedded at build time.</summary>
    public static PolicyLoadResult LoadBuiltIn(PolicyLoadOptions loadOptions)
    {
        var assembly = typeof(FilePolicySource).Assembly;
        var texts = assembly.GetManifestResourceNames().Where(n => n.StartsWith(BuiltInPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(name => (name, text: ReadResource(assembly, name)));
        var policies = new List<ImagePolicy>();
        var issues = new List<PolicyIssue>();
        foreach (var (name, text) in texts)
        {
            var result = ImagePolicyLoader.LoadText(text, "built-in:" + name[BuiltInPrefix.Length..], loadOptions);
            policies.AddRange(result.Policies);
            issues.AddRange(result.Issues);
        }
        return new PolicyLoadResult(policies, issues);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} image policies ({Profiles}), policy set generation {Generation}")]
    private static partial void LogLoaded(ILogger logger, int count, IEnumerable<string> profiles, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy: {Issue}")]
    private static partial void LogIssue(ILogger logger, PolicyIssue issue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Changed policy files were rejected; the previous policies stay in force: {Errors}")]
    private static partial void LogRejected(ILogger logger, IEnumerable<PolicyIssue> errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading policy files failed; the previous policies stay in force")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Gatehouse:Policy:Files configured: using the built-in example profiles (prod, dev)")]
    private static partial void LogBuiltIn(ILogger logger);

    /// <summary>One watcher per folder involved; any change of a relevant file signals a reload.</summary>
    private sealed class WatcherGroup : IDisposable
    {
        private readonly List<FileSystemWatcher> _watchers = [];

        public WatcherGroup(IEnumerable<string> paths, Action changed)
        {
            foreach (var path in paths.Select(Path.GetFullPath))
            {
                var isFolder = Directory.Exists(path);
                var folder = isFolder ? path : Path.GetDirectoryName(path);
                if (folder is null || !Directory.Exists(folder)) continue;
                var watcher = new FileSystemWatcher(folder) { Filter = isFolder ? "*" : Path.GetFileName(path), IncludeSubdirectories = false };
                watcher.Changed += (_, _) => changed();
                watcher.Created += (_, _) => changed();
                watcher.Deleted += (_, _) => changed();
                watcher.Renamed += (_, _) => changed();
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
        }

        public void Dispose()
        {
            foreach (var watcher in _watchers) watcher.Dispose();
        }
    }
}
