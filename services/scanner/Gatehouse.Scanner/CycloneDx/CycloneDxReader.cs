using System.Text.Json;

namespace Gatehouse.Scanner.CycloneDx;

/// <summary>Parses CycloneDX JSON (1.x; stored Gatehouse SBOMs and foreign ones) back into the model.
/// Fields outside the model are ignored. Anything that is not a CycloneDX BOM is an
/// <see cref="InvalidDataException"/>.</summary>
public static class CycloneDxReader
{
    public static Bom Read(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return Check(JsonSerializer.Deserialize(utf8Json, CycloneDxJsonContext.Canonical.Bom));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not a CycloneDX JSON document: {e.Message}", e);
        }
    }

    public static async Task<Bom> ReadAsync(Stream source, CancellationToken cancellationToken)
    {
        try
        {
            return Check(await JsonSerializer.DeserializeAsync(source, CycloneDxJsonContext.Canonical.Bom, cancellationToken));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not a CycloneDX JSON document: {e.Message}", e);
        }
    }

    private static Bom Check(Bom? bom)
    {
        if (bom is null || bom.BomFormat != Bom.Format)
        {
            throw new InvalidDataException($"bomFormat is '{bom?.BomFormat}', expected '{Bom.Format}'");
        }
        if (!bom.SpecVersion.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"unsupported CycloneDX specVersion '{bom.SpecVersion}'");
        }
        return bom;
    }
}
