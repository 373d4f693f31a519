namespace Gatehouse.Contracts.Messages;

/// <summary>One container of a running workload, as the runtime inventory knows it.</summary>
/// <param name="Source"><c>watch</c> (seen running) or <c>admission</c> (admitted; deletions are not seen).</param>
public sealed record RunningWorkload(string Namespace, string OwnerKind, string OwnerName, string Pod, string Container, string Source);
