namespace Gatehouse.Policy.Model;

/// <summary>
/// The names Kubernetes controllers give what they create, read backwards: the owner a ReplicaSet or Job implies when
/// the API cannot be asked. Shared by the pod watch and the admission feed so both name a workload the same way.
/// </summary>
public static class WorkloadNaming
{
    // Kubernetes' SafeEncodeString alphabet: the characters a pod-template hash is written with.
    private const string HashAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>
    /// <c>web</c> of ReplicaSet <c>web-7d9c8f6b5</c>: the Deployment's name, when the name ends in the pod-template hash.
    /// With the pod's <c>pod-template-hash</c> label that suffix is known exactly; without it (admission reads no labels)
    /// a suffix of 5–10 characters of the hash alphabet is taken for one.
    /// </summary>
    public static string? DeploymentOf(string replicaSet, string? templateHash = null)
    {
        ArgumentNullException.ThrowIfNull(replicaSet);
        if (!string.IsNullOrEmpty(templateHash))
        {
            return replicaSet.Length > templateHash.Length + 1 && replicaSet.EndsWith("-" + templateHash, StringComparison.Ordinal)
                ? replicaSet[..^(templateHash.Length + 1)]
                : null;
        }
        var dash = replicaSet.LastIndexOf('-');
        if (dash <= 0 || replicaSet.Length - dash - 1 is < 5 or > 10) return null;
        for (var i = dash + 1; i < replicaSet.Length; i++)
        {
            if (!HashAlphabet.Contains(replicaSet[i], StringComparison.Ordinal)) return null;
        }
        return replicaSet[..dash];
    }

    // Scheduled minutes the CronJob controller can have written: from 2015 (CronJobs did not exist before) to 2100.
    private static readonly long FirstScheduledMinute = DateTimeOffset.Parse("2015-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds() / 60;
    private static readonly long LastScheduledMinute = DateTimeOffset.Parse("2100-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds() / 60;

    /// <summary>
    /// <c>report</c> of Job <c>report-29000000</c>: the CronJob controller names Jobs &lt;cronjob&gt;-&lt;scheduled minutes
    /// since the epoch&gt;. A suffix that cannot be such a minute (a date stamp like <c>20240601</c>, epoch seconds) is
    /// a Job's own name.
    /// </summary>
    public static string? CronJobOf(string job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var dash = job.LastIndexOf('-');
        var suffix = dash > 0 ? job[(dash + 1)..] : "";
        return suffix.Length is >= 8 and <= 10 && suffix.All(char.IsAsciiDigit) && long.Parse(suffix, System.Globalization.CultureInfo.InvariantCulture) is var minute
            && minute >= FirstScheduledMinute && minute < LastScheduledMinute
            ? job[..dash]
            : null;
    }
}
