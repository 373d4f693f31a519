namespace Gatehouse.Contracts.Decisions;

/// <summary>
/// What policy decided for one image digest under one profile, as stored in the decision cache. Admission
/// trusts it only when its MAC verifies and its versions equal the current ones, so that neither a write to
/// Redis nor a change of policy, trust root or advisory data can ever serve a stale allow.
/// </summary>
/// <param name="Status"><see cref="DecisionStatus"/> value: allow, warn or deny.</param>
/// <param name="PolicyGeneration">Generation of the profile's policy that produced the decision.</param>
/// <param name="TrustRootVersion">Content hash of the trust material signatures were verified with.</param>
/// <param name="AdvisoryDataVersion">Content hash of the advisory data findings were matched against.</param>
/// <param name="ValidUntil">After this the decision counts as unknown (e.g. the maximum age of a scan).</param>
/// <param name="TraceParent">W3C traceparent of the trace that produced the decision (push → scan/verify → decide).</param>
/// <param name="Mac">Base64 HMAC-SHA256 over every other field (<see cref="DecisionMac"/>).</param>
public sealed record DecisionRecord(
    string Digest,
    string Profile,
    string Status,
    IReadOnlyList<DecisionReason> Reasons,
    long PolicyGeneration,
    string TrustRootVersion,
    string AdvisoryDataVersion,
    DateTimeOffset DecidedAt,
    DateTimeOffset? ValidUntil,
    string? TraceParent,
    string Mac);
