namespace Gatehouse.Policy.Inventory;

/// <summary>
/// Whether this policy replica is the one that runs the cluster-wide inventory work (the pod watch, the impact
/// sampler). Exactly one replica leads at a time when several share a store; a process that does not elect (no pod
/// watch, or an in-process store) leads unconditionally from start-up.
/// </summary>
public interface IInventoryLeadership
{
    /// <summary>This replica's name in the election (the pod name in a cluster).</summary>
    string Identity { get; }

    /// <summary>True while this replica leads.</summary>
    bool IsLeader { get; }

    /// <summary>The last leader this replica observed (itself while leading); null before the first observation.</summary>
    string? Leader { get; }

    /// <summary>Raised after leadership is gained (true) or lost (false), on the thread that observed the change.</summary>
    event EventHandler<bool>? LeadershipChanged;

    /// <summary>
    /// Completes when this replica leads (at once if it does). The token it returns is cancelled when that leadership
    /// ends: run the leader's work under it and wait again afterwards (see <see cref="InventoryLeadershipExtensions.RunWhileLeaderAsync"/>).
    /// </summary>
    Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken);
}

/// <summary>The leadership state shared by the election (which changes it) and the leader's work (which waits on it).</summary>
public sealed class InventoryLeadership(string identity) : IInventoryLeadership, IDisposable
{
    private readonly object _gate = new();
    private TaskCompletionSource<CancellationToken> _elected = NewElected();
    private CancellationTokenSource? _term;
    private volatile bool _isLeader;
    private volatile string? _leader;

    public string Identity { get; } = identity;

    public bool IsLeader => _isLeader;

    public string? Leader => _leader;

    public event EventHandler<bool>? LeadershipChanged;

    /// <summary>A process that leads from the start and never stops (no election).</summary>
    public static InventoryLeadership Unconditional(string identity)
    {
        var leadership = new InventoryLeadership(identity);
        leadership.Acquired();
        return leadership;
    }

    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        Task<CancellationToken> elected;
        lock (_gate)
        {
            if (_isLeader) return Task.FromResult(_term!.Token);
            elected = _elected.Task;
        }
        return elected.WaitAsync(cancellationToken);
    }

    /// <summary>The election won (or the process leads unconditionally): a new term begins.</summary>
    public void Acquired()
    {
        lock (_gate)
        {
            _leader = Identity;
            if (_isLeader) return;
            _term = new CancellationTokenSource();
            _isLeader = true;
            _elected.TrySetResult(_term.Token);
        }
        LeadershipChanged?.Invoke(this, true);
    }

    /// <summary>Leadership ended (not renewed in time, or shutting down): the term's token is cancelled.</summary>
    public void Lost()
    {
        CancellationTokenSource? term;
        lock (_gate)
        {
            if (!_isLeader) return;
            _isLeader = false;
            term = _term;
            _term = null;
            _elected = NewElected();
        }
        // Not disposed: work that is still unwinding may hold the token; a cancelled source holds no timer.
        term?.Cancel();
        LeadershipChanged?.Invoke(this, false);
    }

    /// <summary>Another replica was seen holding the lease.</summary>
    public void Observed(string? leader)
    {
        if (!_isLeader) _leader = string.IsNullOrEmpty(leader) ? null : leader;
    }

    /// <summary>The process ends: a term still open ends with it.</summary>
    public void Dispose()
    {
        CancellationTokenSource? term;
        lock (_gate)
        {
            _isLeader = false;
            term = _term;
            _term = null;
        }
        term?.Cancel();
        term?.Dispose();
    }

    private static TaskCompletionSource<CancellationToken> NewElected() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public static class InventoryLeadershipExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> once in each term of leadership, under a token cancelled when the term ends or the
    /// caller stops; returns when <paramref name="stoppingToken"/> is cancelled. Exceptions other than that cancellation
    /// propagate (work should handle its own failures). <paramref name="termEnded"/> runs after
    /// each term (clean-up that must happen before another replica's term begins).
    /// </summary>
    public static async Task RunWhileLeaderAsync(this IInventoryLeadership leadership, Func<CancellationToken, Task> work,
        CancellationToken stoppingToken, Func<Task>? termEnded = null)
    {
        ArgumentNullException.ThrowIfNull(leadership);
        ArgumentNullException.ThrowIfNull(work);
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken term;
            try
            {
                term = await leadership.WaitForLeadershipAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term);
            try
            {
                await work(linked.Token);
                // Work that finished early is done for this term: it starts again only in the next one.
                await Task.Delay(Timeout.Infinite, linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                // The term ended or the caller stopped.
            }
            finally
            {
                if (termEnded is not null) await termEnded();
            }
        }
    }
}
