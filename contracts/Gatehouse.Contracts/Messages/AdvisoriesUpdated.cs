using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>New or changed advisories; consumers re-match only images containing the named packages.</summary>
/// <param name="AffectedPackages">Package identities as purls without version, e.g. <c>pkg:deb/debian/openssl</c>.</param>
[MessageUrn("gatehouse:advisories-updated:v1")]
public sealed record AdvisoriesUpdated(
    string Source,
    string DataVersion,
    IReadOnlyList<string> AffectedPackages,
    int RecordCount,
    DateTimeOffset UpdatedAt);
