using Gatehouse.Contracts;

namespace Gatehouse.Oci;

public static class ImageStoreExtensions
{
    /// <summary>Pushes an in-memory blob (skipped when present); returns its sha256 digest.</summary>
    public static async Task<string> PushBlobAsync(this IImageStore store, string repository, byte[] content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(content);
        var digest = ContentDigest.ComputeSha256(content).ToString();
        using var stream = new MemoryStream(content, writable: false);
        await store.PushBlobAsync(repository, digest, content.LongLength, stream, cancellationToken).ConfigureAwait(false);
        return digest;
    }

    /// <summary>Reads a whole blob into memory, verified; refuses descriptors larger than <paramref name="maxBytes"/>.</summary>
    public static Task<byte[]> ReadBlobAsync(
        this IImageStore store, string repository, OciDescriptor descriptor, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default) =>
        ImageResolver.ReadBlobAsync(store, repository, descriptor, maxBytes, cancellationToken);
}
