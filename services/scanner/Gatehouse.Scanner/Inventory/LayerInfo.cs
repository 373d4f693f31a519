namespace Gatehouse.Scanner.Inventory;

/// <summary>One layer of the scanned image, in manifest order (base first).</summary>
/// <param name="Index">0-based position.</param>
/// <param name="Digest">Compressed blob digest (manifest); null for <c>dir:</c> sources.</param>
/// <param name="DiffId">Uncompressed digest (config rootfs.diff_ids), verified while reading; null for <c>dir:</c>.</param>
/// <param name="MediaType">Layer media type as the manifest declared it.</param>
/// <param name="Size">Compressed size in bytes.</param>
/// <param name="UncompressedSize">Bytes of tar stream read.</param>
/// <param name="EntryCount">Tar entries read.</param>
public sealed record LayerInfo(int Index, string? Digest, string? DiffId, string MediaType, long Size, long UncompressedSize, int EntryCount);
