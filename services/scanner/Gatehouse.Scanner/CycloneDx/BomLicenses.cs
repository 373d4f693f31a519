namespace Gatehouse.Scanner.CycloneDx;

/// <summary>
/// Turns the license strings a package declares into a schema-valid CycloneDX license choice: a known
/// SPDX id becomes <c>license.id</c>, a parseable SPDX expression becomes <c>expression</c>, anything
/// else <c>license.name</c>. The schema allows either licenses or exactly one expression, never both, so
/// an expression that is not alone is written as a name rather than inventing how it combines.
/// </summary>
public static class BomLicenses
{
    public static IReadOnlyList<BomLicenseChoice>? FromDeclared(IEnumerable<string> declared)
    {
        var values = declared
            .Select(d => d.Trim())
            .Where(d => d.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (values.Count == 0)
        {
            return null;
        }

        var choices = new List<BomLicenseChoice>(values.Count);
        foreach (var value in values)
        {
            if (!SpdxExpression.TryNormalize(value, out var normalized))
            {
                choices.Add(new BomLicenseChoice { License = new BomLicense { Name = value } });
            }
            else if (SpdxLicenseIds.TryGetCanonical(normalized, out var id))
            {
                // A bare id, possibly written "(mit)".
                choices.Add(new BomLicenseChoice { License = new BomLicense { Id = id } });
            }
            else if (values.Count == 1)
            {
                return [new BomLicenseChoice { Expression = normalized }];
            }
            else
            {
                choices.Add(new BomLicenseChoice { License = new BomLicense { Name = value } });
            }
        }
        // Same licenses in any declared order give the same output.
        return [.. choices.Distinct().OrderBy(c => c.License!.Id ?? c.License.Name, StringComparer.Ordinal)];
    }
}
