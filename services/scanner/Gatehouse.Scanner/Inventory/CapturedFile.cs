namespace Gatehouse.Scanner.Inventory;

/// <summary>A selected file's content as one layer had it (bounded by <see cref="ScanLimits.MaxBytesPerFile"/>).</summary>
/// <param name="Path">Root-relative path.</param>
/// <param name="LayerIndex">Layer that wrote this version.</param>
/// <param name="Content">The bytes (whole file; larger files fail the scan with a limit error).</param>
public sealed record CapturedFile(string Path, int LayerIndex, ReadOnlyMemory<byte> Content)
{
    /// <summary>A read-only stream over the content, no copy.</summary>
    public Stream OpenRead() => new ReadOnlyMemoryStream(Content);

    /// <summary>UTF-8 text (invalid sequences replaced, a BOM dropped).</summary>
    public string ReadText()
    {
        var span = Content.Span;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }
        return System.Text.Encoding.UTF8.GetString(span);
    }
}

/// <summary>The result an <see cref="IStreamingCataloger"/> produced for a file that survived to the final view.</summary>
public sealed record StreamFinding(string Path, int LayerIndex, object Value);
