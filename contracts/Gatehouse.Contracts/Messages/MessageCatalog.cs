namespace Gatehouse.Contracts.Messages;

/// <summary>Every message type on the bus, listed once so tests can check URNs and golden JSON for all of them.</summary>
public static class MessageCatalog
{
    public static IReadOnlyList<Type> All { get; } =
    [
        typeof(ImagePushed),
        typeof(SbomGenerated),
        typeof(VulnerabilitiesFound),
        typeof(SignaturesVerified),
        typeof(ImageAnalysisFailed),
        typeof(ImageDecided),
        typeof(AdvisoriesUpdated),
        typeof(ScanRequested),
        typeof(BreakGlassUsed),
        typeof(SignImage),
        typeof(WorkloadAdmitted),
        typeof(RunningImageDenied),
    ];
}
