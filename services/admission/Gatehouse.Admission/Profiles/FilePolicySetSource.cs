using Gatehouse.Policy.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Admission.Profiles;

/// <summary>
/// ImagePolicy resources from the files the policy service reads (<c>Gatehouse:Policy:Files</c>), or the example
/// profiles embedded from deploy/k8s/examples when none are configured, so admission and policy always work
/// from the same profiles. Invalid policies stop the start; an invalid later edit keeps the set in force.
/// </summary>
public sealed partial class FilePolicySetSource : BackgroundService, IPolicySetSource
{
    public const string FilesKey = "Gatehouse:Policy:Files";
    private const string BuiltInPrefix = "Gatehouse.Admission.Defaults.";
    private static readonly TimeSpan QuietTime = TimeSpan.FromMilliseconds(300);

    private readonly List<string> _files;
    private readonly TimeProvider _time;
    private readonly ILogger<FilePolicySetSource> _logger;
    private readonly SemaphoreSlim _changed = new(0);
    private PolicySet _current;

    public FilePolicySetSource(IConfiguration configuration, TimeProvider time, ILogger<FilePolicySetSource> logger)
    {
        _files = configuration.GetSection(FilesKey).Get<List<string>>() ?? [];
        _time = time;
        _logger = logger;
        var result = Load();
        foreach (var issue in result.Issues) LogIssue(logger, issue);
        _current = PolicySet.Empty.With(result.GetPoliciesOrThrow());
        LogLoaded(logger, _current.Policies.Count, _current.Profiles);
    }

    public PolicySet Current => Volatile.Read(ref _current);

    public event Action? Changed;

    /// <summary>Reads the files again; keeps the current set when they are invalid.</summary>
    public void Reload()
    {
        var result = Load();
        if (!result.Succeeded)
        {
            LogRejected(_logger, result.Errors);
            return;
        }
        var next = Current.With(result.Policies);
        if (ReferenceEquals(next, Current)) return;
        Volatile.Write(ref _current, next);
        LogLoaded(_logger, next.Policies.Count, next.Profiles);
        Changed?.Invoke();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_files.Count == 0) return;
        var watchers = new List<FileSystemWatcher>();
        try
        {
            foreach (var path in _files.Select(Path.GetFullPath))
            {
                var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(path);
                if (folder is null || !Directory.Exists(folder)) continue;
                var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false };
                watcher.Changed += (_, _) => _changed.Release();
                watcher.Created += (_, _) => _changed.Release();
                watcher.Deleted += (_, _) => _changed.Release();
                watcher.Renamed += (_, _) => _changed.Release();
                watcher.EnableRaisingEvents = true;
                watchers.Add(watcher);
            }
            while (!stoppingToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(stoppingToken);
                // Editors and Secret volumes write in several steps: wait for quiet, then read once.
                await Task.Delay(QuietTime, stoppingToken);
                while (_changed.CurrentCount > 0) await _changed.WaitAsync(stoppingToken);
                Reload();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watcher in watchers) watcher.Dispose();
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private PolicyLoadResult Load()
    {
        // A running webhook must not stop loading policy because an allow-list entry expired.
        var options = new PolicyLoadOptions(_time.GetUtcNow(), ExpiredExceptionsAreErrors: false);
        return _files.Count > 0 ? ImagePolicyLoader.LoadPaths(_files, options) : LoadBuiltIn(options);
    }

    private static PolicyLoadResult LoadBuiltIn(PolicyLoadOptions options)
    {
        var assembly = typeof(FilePolicySetSource).Assembly;
        var policies = new List<ImagePolicy>();
        var issues = new List<PolicyIssue>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(BuiltInPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var result = ImagePolicyLoader.LoadText(reader.ReadToEnd(), "built-in:" + name[BuiltInPrefix.Length..], options);
            policies.AddRange(result.Policies);
            issues.AddRange(result.Issues);
        }
        return new PolicyLoadResult(policies, issues);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admission profiles loaded: {Count} ({Profiles})")]
    private static partial void LogLoaded(ILogger logger, int count, IEnumerable<string> profiles);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy: {Issue}")]
    private static partial void LogIssue(ILogger logger, PolicyIssue issue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Changed policy files were rejected; the profiles in force stay: {Errors}")]
    private static partial void LogRejected(ILogger logger, IEnumerable<PolicyIssue> errors);
}
