namespace Gatehouse.Oci.Registry;

internal static class HttpBodies
{
    /// <summary>Reads a response body, refusing more than <paramref name="maxBytes"/> and giving up after <paramref name="timeout"/>.</summary>
    public static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int maxBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new OciException(
                $"{response.RequestMessage?.RequestUri} sent {response.Content.Headers.ContentLength} bytes; the limit is {maxBytes}");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = await stream.ReadAsync(chunk, cts.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    throw new OciException($"{response.RequestMessage?.RequestUri} sent more than {maxBytes} bytes");
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OciRegistryException($"{response.RequestMessage?.RequestUri}: body not received within {timeout}", e);
        }
    }
}
