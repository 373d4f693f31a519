namespace Gatehouse.Scanner.Tests.Vex;

/// <summary>VEX documents written for the tests, in both formats.</summary>
internal static class VexDocuments
{
    public static string OpenVex(string vulnerability, string product, string status, string? justification = null,
        string timestamp = "2024-06-01T00:00:00Z", string? subcomponent = null) => $$"""
        {
          "@context": "https://openvex.dev/ns/v0.2.0",
          "@id": "https://example.test/vex/{{Guid.NewGuid():N}}",
          "author": "Security Team",
          "timestamp": "{{timestamp}}",
          "version": 1,
          "statements": [
            {
              "vulnerability": { "name": "{{vulnerability}}" },
              "products": [ { "@id": "{{product}}"{{(subcomponent is null ? "" : $$""", "subcomponents": [ { "@id": "{{subcomponent}}" } ]""")}} } ],
              "status": "{{status}}"{{(justification is null ? "" : $$""", "justification": "{{justification}}" """)}}
            }
          ]
        }
        """;

    public static string CycloneDxVex(string vulnerability, string affectsRef, string state, string? justification = null) => $$"""
        {
          "bomFormat": "CycloneDX",
          "specVersion": "1.5",
          "version": 1,
          "vulnerabilities": [
            {
              "id": "{{vulnerability}}",
              "source": { "name": "NVD" },
              "analysis": { "state": "{{state}}"{{(justification is null ? "" : $$""", "justification": "{{justification}}" """)}}, "detail": "checked by hand" },
              "affects": [ { "ref": "{{affectsRef}}" } ]
            }
          ]
        }
        """;
}
