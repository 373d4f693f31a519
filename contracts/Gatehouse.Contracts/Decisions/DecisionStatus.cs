namespace Gatehouse.Contracts.Decisions;

/// <summary>The values of <see cref="DecisionRecord.Status"/> and <see cref="DecisionReason.Effect"/>.</summary>
public static class DecisionStatus
{
    public const string Allow = "allow";
    public const string Warn = "warn";
    public const string Deny = "deny";
}
