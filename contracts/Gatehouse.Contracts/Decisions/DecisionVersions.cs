namespace Gatehouse.Contracts.Decisions;

/// <summary>
/// The versions a decision must carry to be current for a profile. Policy publishes them (store key
/// <see cref="StoreKeys.DecisionVersions"/>, announced on <see cref="StoreKeys.DecisionChannel"/>);
/// admission compares every record against them.
/// </summary>
public sealed record DecisionVersions(string Profile, long PolicyGeneration, string TrustRootVersion, string AdvisoryDataVersion)
{
    public bool Matches(DecisionRecord record) =>
        record.Profile == Profile &&
        record.PolicyGeneration == PolicyGeneration &&
        record.TrustRootVersion == TrustRootVersion &&
        record.AdvisoryDataVersion == AdvisoryDataVersion;
}
