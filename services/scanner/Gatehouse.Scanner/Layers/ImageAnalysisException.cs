namespace Gatehouse.Scanner.Layers;

/// <summary>Why an image could not be analysed. The consumer maps it to <c>ImageAnalysisFailed.Reason</c>.</summary>
public enum AnalysisFailureKind
{
    LimitExceeded,
    DigestMismatch,
    CorruptLayer,
    UnsupportedMediaType,
    InvalidImage,
    SourceUnavailable,
}

/// <summary>Base for every failure of reading an image. <see cref="Retryable"/> is false for hostile or
/// invalid content and true when a later attempt may succeed (registry unreachable).</summary>
public class ImageAnalysisException : Exception
{
    public ImageAnalysisException(AnalysisFailureKind kind, string message, bool retryable = false, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Retryable = retryable;
    }

    public AnalysisFailureKind Kind { get; }

    public bool Retryable { get; }

    /// <summary>Short reason for <c>ImageAnalysisFailed.Reason</c>: kind and message.</summary>
    public string Reason => $"{Kind}: {Message}";
}

/// <summary>Which configured bound was exceeded.</summary>
public enum LimitKind
{
    TotalUncompressedBytes,
    Entries,
    BytesPerFile,
    TotalCapturedBytes,
    NestedArchiveDepth,
    PathLength,
}

/// <summary>A configured limit in <see cref="Inventory.ScanLimits"/> was exceeded; reading stopped at once.</summary>
public sealed class ImageLimitExceededException(LimitKind limit, long configured, string detail)
    : ImageAnalysisException(AnalysisFailureKind.LimitExceeded, $"{limit} limit of {configured} exceeded: {detail}")
{
    public LimitKind Limit { get; } = limit;

    public long Configured { get; } = configured;
}

/// <summary>A blob's content does not match the digest that names it (compressed digest or diff_id).</summary>
public sealed class BlobDigestMismatchException(string expected, string actual, string what)
    : ImageAnalysisException(AnalysisFailureKind.DigestMismatch, $"{what}: expected {expected}, content hashes to {actual}")
{
    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}

/// <summary>A layer is truncated, not a tar, or its compression is broken.</summary>
public sealed class CorruptLayerException(int layerIndex, string detail, Exception? inner = null)
    : ImageAnalysisException(AnalysisFailureKind.CorruptLayer, $"layer {layerIndex}: {detail}", inner: inner)
{
    public int LayerIndex { get; } = layerIndex;
}
