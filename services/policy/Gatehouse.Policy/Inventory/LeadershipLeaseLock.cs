using System.Net;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace Gatehouse.Policy.Inventory;

/// <summary>What the last Lease request told about this replica's access to the Lease.</summary>
public enum LeaseAccess { Unknown, Ok, Forbidden, Unreachable }

/// <summary>
/// The library's <see cref="LeaseLock"/> with two fixes for the election around it. A connection failure (or a client
/// timeout) is reported as a failed attempt, as client-go does, instead of an exception: the elector then retries until
/// its renew deadline rather than dropping leadership at the first network blip. And every answer is classified
/// (<see cref="LeaseAccess"/>) so the election can log a change of state once instead of every retry.
/// </summary>
public sealed class LeadershipLeaseLock : ILock
{
    private readonly IKubernetes _client;
    private readonly LeaseLock _inner;
    private readonly string _namespace;
    private readonly string _name;
    private int _access;

    public LeadershipLeaseLock(IKubernetes client, string @namespace, string name, string identity)
    {
        _client = client;
        _namespace = @namespace;
        _name = name;
        _inner = new LeaseLock(client, @namespace, name, identity);
        _inner.OnHttpError += ex => Report(ex.Response?.StatusCode is HttpStatusCode.Conflict ? LeaseAccess.Ok : Classify(ex), ex);
    }

    public string Identity => _inner.Identity;

    public LeaseAccess Access => (LeaseAccess)Volatile.Read(ref _access);

    /// <summary>Raised when <see cref="Access"/> changes, with the error that changed it (null when it became Ok).</summary>
    public event Action<LeaseAccess, Exception?>? AccessChanged;

    public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var record = await _inner.GetAsync(cancellationToken);
            Report(LeaseAccess.Ok, null);
            return record;
        }
        catch (HttpOperationException ex)
        {
            Report(ex.Response?.StatusCode == HttpStatusCode.NotFound ? LeaseAccess.Ok : Classify(ex), ex);
            throw;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Report(LeaseAccess.Unreachable, ex);
            // The elector treats an HttpOperationException as "not this time" and any other exception as fatal.
            throw new HttpOperationException($"reading lease {Describe()} failed: {ex.Message}", ex)
            {
                Response = new HttpResponseMessageWrapper(Unavailable, ""),
            };
        }
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        Attempt(() => _inner.CreateAsync(record, cancellationToken), cancellationToken);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        Attempt(() => _inner.UpdateAsync(record, cancellationToken), cancellationToken);

    public string Describe() => _inner.Describe();

    /// <summary>
    /// Gives the Lease up (holder cleared, as client-go's ReleaseOnCancel does) when this replica still holds it, so a
    /// rolling update hands over at once instead of after the lease duration. A lost race or an error changes nothing.
    /// </summary>
    public async Task<bool> ReleaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(_name, _namespace, cancellationToken: cancellationToken);
            if (lease.Spec?.HolderIdentity != Identity) return false;
            var now = DateTime.UtcNow;
            // Empty, not null: the library reads a null holder as "no lease yet" and would try to create it.
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = now;
            lease.Spec.AcquireTime = now;
            await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _name, _namespace, cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    private async Task<bool> Attempt(Func<Task<bool>> write, CancellationToken cancellationToken)
    {
        try
        {
            var done = await write();
            if (done) Report(LeaseAccess.Ok, null);
            return done;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not InvalidOperationException)
        {
            Report(LeaseAccess.Unreachable, ex);
            return false;
        }
    }

    private static LeaseAccess Classify(HttpOperationException ex) =>
        ex.Response?.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized ? LeaseAccess.Forbidden : LeaseAccess.Unreachable;

    private void Report(LeaseAccess access, Exception? error)
    {
        if (Interlocked.Exchange(ref _access, (int)access) != (int)access) AccessChanged?.Invoke(access, error);
    }

    private static HttpResponseMessage Unavailable => new(HttpStatusCode.ServiceUnavailable);
}
