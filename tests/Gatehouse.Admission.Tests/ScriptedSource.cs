using Gatehouse.Admission.Decisions;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Admission.Tests;

/// <summary>
/// A decision store that announces invalidations (so the L1 is used) and can be made to hang, like a Redis that
/// accepts the connection and never answers. Counts round trips so tests can see when the L1 answered alone.
/// </summary>
public sealed class ScriptedSource(IKeyValueStore store) : IDecisionSource
{
    private readonly StoreDecisionSource _inner = new(store);
    private int _fetches;

    public bool Hangs { get; set; }

    public int Fetches => Volatile.Read(ref _fetches);

    public bool PushesInvalidations => true;

    public bool IsAvailable => true;

    public async Task<DecisionFetch> FetchAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fetches);
        if (Hangs) await Task.Delay(Timeout.Infinite, cancellationToken);
        return await _inner.FetchAsync(query, cancellationToken);
    }
}
