namespace Gatehouse.Contracts.Decisions;

/// <summary>One reason of a decision: a stable code and a sentence a developer understands.</summary>
/// <param name="Code">e.g. <c>vuln-critical-fixable</c>, <c>registry-not-approved</c>, <c>signature-missing</c>.</param>
/// <param name="Message">e.g. "CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1".</param>
/// <param name="Effect">What this reason does on its own: allow, warn or deny.</param>
public sealed record DecisionReason(string Code, string Message, string Effect);
