using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gatehouse.ServiceDefaults;

namespace Gatehouse.Admission;

/// <summary>The admission span source and meters (collected by the shared <c>Gatehouse.*</c> wildcard).</summary>
public static class AdmissionTelemetry
{
    public const string SourceName = GatehouseDiagnostics.SourcePrefix + "Admission";

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    /// <summary>Answers by outcome (allowed, denied, warned, audited) and endpoint.</summary>
    public static readonly Counter<long> Answers = Meter.CreateCounter<long>("gatehouse.admission.answers");

    /// <summary>Image lookups by where the answer came from (l1, store, stale-l1, unavailable).</summary>
    public static readonly Counter<long> Lookups = Meter.CreateCounter<long>("gatehouse.admission.lookups");

    /// <summary>Decision records that failed verification, by reason (bad-mac, mismatch, malformed).</summary>
    public static readonly Counter<long> RejectedRecords = Meter.CreateCounter<long>("gatehouse.admission.rejected_records");

    /// <summary>Scan requests or break-glass records dropped because the side-effect queue was full.</summary>
    public static readonly Counter<long> SideEffectsDropped = Meter.CreateCounter<long>("gatehouse.admission.side_effects_dropped");

    public static readonly Counter<long> BreakGlassUses = Meter.CreateCounter<long>("gatehouse.admission.break_glass");
}
