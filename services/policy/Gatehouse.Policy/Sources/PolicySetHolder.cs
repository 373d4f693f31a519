using System.Threading.Channels;
using Gatehouse.Policy.Model;

namespace Gatehouse.Policy.Sources;

/// <summary>
/// The policy set in force. Sources replace it; whoever needs to react (re-deciding every known digest)
/// reads <see cref="Changes"/>. Replacing it with equal content keeps the generation and announces nothing.
/// </summary>
public sealed class PolicySetHolder
{
    private readonly Lock _gate = new();
    private readonly Channel<PolicySet> _changes = Channel.CreateUnbounded<PolicySet>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PolicySet _current = PolicySet.Empty;

    public PolicySet Current => Volatile.Read(ref _current);

    /// <summary>Completes when a source has loaded for the first time (an empty set counts).</summary>
    public Task Loaded => _loaded.Task;

    /// <summary>New sets, in order; the reader may skip to the latest.</summary>
    public ChannelReader<PolicySet> Changes => _changes.Reader;

    /// <returns>True when the content changed (and the generation was bumped).</returns>
    public bool Replace(IEnumerable<ImagePolicy> policies)
    {
        bool changed;
        PolicySet next;
        lock (_gate)
        {
            next = _current.With(policies);
            changed = !ReferenceEquals(next, _current);
            if (changed) Volatile.Write(ref _current, next);
        }
        if (changed) _changes.Writer.TryWrite(next);
        _loaded.TrySetResult();
        return changed;
    }
}
