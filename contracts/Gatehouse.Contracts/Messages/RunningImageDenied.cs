using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>
/// A re-decision turned an image that is running into a deny for a profile (typically a new advisory): the
/// workloads below run it now, in namespaces that profile governs. Sent once per turn to deny; the decision
/// record holds every reason, <paramref name="Findings"/> the deny reasons in the developer's words.
/// </summary>
/// <param name="PreviousStatus">The status before the re-decision (allow or warn).</param>
/// <param name="Findings">The reasons for the deny, e.g. <c>critical-cve-with-fix: CVE-2026-1 in openssl 3.0.1 (fixed in 3.0.2)</c>.</param>
/// <param name="AdvisoryIds">Advisory ids named by the deny reasons (empty when the deny is not about vulnerabilities).</param>
[MessageUrn("gatehouse:running-image-denied:v1")]
public sealed record RunningImageDenied(
    string Digest,
    string Profile,
    string PreviousStatus,
    IReadOnlyList<string> Findings,
    IReadOnlyList<string> AdvisoryIds,
    IReadOnlyList<RunningWorkload> Workloads,
    DateTimeOffset DecidedAt);
