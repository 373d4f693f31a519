using System.Text.Json;

namespace Gatehouse.Scanner.CycloneDx;

/// <summary>Serializes a <see cref="Bom"/> as CycloneDX JSON: two-space indent, LF line endings, a final
/// newline. The output depends only on the model, so the same model gives the same bytes.</summary>
public static class CycloneDxWriter
{
    public const string MediaType = "application/vnd.cyclonedx+json";

    private static readonly ReadOnlyMemory<byte> FinalNewline = "\n"u8.ToArray();

    public static byte[] Serialize(Bom bom)
    {
        using var buffer = new MemoryStream();
        Write(bom, buffer);
        return buffer.ToArray();
    }

    public static void Write(Bom bom, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(bom);
        JsonSerializer.Serialize(destination, bom, CycloneDxJsonContext.Canonical.Bom);
        destination.Write(FinalNewline.Span);
    }

    public static async Task WriteAsync(Bom bom, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bom);
        await JsonSerializer.SerializeAsync(destination, bom, CycloneDxJsonContext.Canonical.Bom, cancellationToken);
        await destination.WriteAsync(FinalNewline, cancellationToken);
    }
}
