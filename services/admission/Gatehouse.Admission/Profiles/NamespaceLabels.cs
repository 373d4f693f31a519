using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gatehouse.Admission.Profiles;

/// <summary>
/// The labels of every known namespace: seeded from configuration, kept current by the namespace watch when in
/// a cluster. Readers get an immutable snapshot; writers replace it and raise <see cref="Changed"/>.
/// </summary>
public sealed class NamespaceLabels : IHealthCheck
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private volatile bool _synced = true;
    private FrozenDictionary<string, IReadOnlyDictionary<string, string>> _snapshot =
        FrozenDictionary<string, IReadOnlyDictionary<string, string>>.Empty;

    public NamespaceLabels(AdmissionOptions options)
    {
        ReplaceAll(options.Namespaces.Select(n =>
            KeyValuePair.Create(n.Key, (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(n.Value.Labels, StringComparer.Ordinal))));
    }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Snapshot => Volatile.Read(ref _snapshot);

    public event Action? Changed;

    /// <summary>True when a namespace watch keeps the labels (set before the host starts).</summary>
    public bool Watched { get; private set; }

    /// <summary>False while a watch has not completed its first list: profiles could not be chosen right yet.</summary>
    public bool IsSynced => _synced;

    public bool Contains(string name) => Volatile.Read(ref _snapshot).ContainsKey(name);

    /// <summary>From now on the labels come from a watch, which must list once before admission is ready.</summary>
    public void ExpectWatch()
    {
        Watched = true;
        _synced = false;
    }

    public void MarkSynced() => _synced = true;

    /// <summary>Requests waiting for a namespace to arrive (for tests and diagnostics).</summary>
    internal int Waiting => _waiters.Count;

    /// <summary>
    /// Waits (without any API call) for the watch to deliver <paramref name="name"/>: a namespace created a moment
    /// before its first workload may not have arrived yet, and guessing its profile from its name alone could
    /// choose a weaker one. Returns when it arrives or the timeout passes.
    /// </summary>
    public async Task WaitForAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero || Contains(name)) return;
        var waiter = _waiters.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Contains(name)) waiter.TrySetResult();
        await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (waiter.Task.IsCompleted) _waiters.TryRemove(KeyValuePair.Create(name, waiter));
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_synced ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("namespace labels not listed yet"));

    public void ReplaceAll(IEnumerable<KeyValuePair<string, IReadOnlyDictionary<string, string>>> namespaces)
    {
        lock (_gate) Volatile.Write(ref _snapshot, namespaces.ToFrozenDictionary(StringComparer.Ordinal));
        Changed?.Invoke();
        Release();
    }

    public void Set(string name, IReadOnlyDictionary<string, string> labels)
    {
        lock (_gate)
        {
            if (_snapshot.TryGetValue(name, out var current) && SameLabels(current, labels)) return;
            var next = new Dictionary<string, IReadOnlyDictionary<string, string>>(_snapshot, StringComparer.Ordinal) { [name] = labels };
            Volatile.Write(ref _snapshot, next.ToFrozenDictionary(StringComparer.Ordinal));
        }
        Changed?.Invoke();
        Release();
    }

    public void Remove(string name)
    {
        lock (_gate)
        {
            if (!_snapshot.ContainsKey(name)) return;
            Volatile.Write(ref _snapshot, _snapshot.Where(n => n.Key != name).ToFrozenDictionary(StringComparer.Ordinal));
        }
        Changed?.Invoke();
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Wakes requests waiting for namespaces that are now known (after profiles were rebuilt).</summary>
    private void Release()
    {
        if (_waiters.IsEmpty) return;
        foreach (var (name, waiter) in _waiters)
        {
            if (Contains(name) && _waiters.TryRemove(KeyValuePair.Create(name, waiter))) waiter.TrySetResult();
        }
    }
}
