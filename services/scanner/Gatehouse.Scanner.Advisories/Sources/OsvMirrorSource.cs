using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

namespace Gatehouse.Scanner.Advisories.Sources;

// An HTTP mirror laid out like osv.dev's bucket: <base>/<ecosystem>/all.zip, and optionally
// <base>/ecosystems.txt listing the ecosystems. A location ending in .zip is one archive.
// Each archive is fetched conditionally (If-None-Match / If-Modified-Since from the last sync);
// 304 means nothing to do. A fetched archive is spooled to a temporary file (zip needs seeking)
// and read entry by entry; the store then applies only records newer than its own copies.
public sealed class OsvMirrorSource : IAdvisorySource
{
    public string Name => "osv-mirror";

    public string Version => "1";

    public bool CanRead(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public async IAsyncEnumerable<AdvisoryDocument> ReadAsync(string location, ImportContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (Uri archive in await ArchivesAsync(location, context, cancellationToken))
        {
            Spooled? spooled = await FetchAsync(archive, context, cancellationToken);
            if (spooled is null)
            {
                continue;
            }

            try
            {
                int problemsBefore = context.Problems.Count;
                foreach (AdvisoryDocument document in OsvZipSource.ReadArchive(spooled.Path, archive.AbsoluteUri, context, cancellationToken))
                {
                    yield return document;
                }

                // Only a fully read archive moves the conditional-request state on; the store
                // commits it together with the records.
                if (context.Problems.Count == problemsBefore)
                {
                    context.ArchiveFetched(archive.AbsoluteUri, spooled.ETag, spooled.LastModified);
                }
            }
            finally
            {
                File.Delete(spooled.Path);
            }
        }
    }

    private static async Task<IReadOnlyList<Uri>> ArchivesAsync(string location, ImportContext context, CancellationToken cancellationToken)
    {
        if (location.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            return [new Uri(location)];
        }

        var baseUri = new Uri(location.EndsWith('/') ? location : location + "/");
        IReadOnlyList<string> ecosystems = context.MirrorEcosystems;
        if (ecosystems.Count == 0)
        {
            var index = new Uri(baseUri, "ecosystems.txt");
            try
            {
                string text = await context.Http.GetStringAsync(index, cancellationToken);
                ecosystems = [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            }
            catch (HttpRequestException e)
            {
                context.ReportProblem(index.AbsoluteUri, "cannot list the mirror's ecosystems: " + e.Message);
                return [];
            }
        }

        return [.. ecosystems.Select(e => new Uri(baseUri, Uri.EscapeDataString(e) + "/all.zip"))];
    }

    // The spooled archive, or null when it is unchanged (304) or could not be fetched.
    private static async Task<Spooled?> FetchAsync(Uri archive, ImportContext context, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, archive);
        if (context.GetSyncState(archive.AbsoluteUri) is { } state)
        {
            if (state.ETag is not null && EntityTagHeaderValue.TryParse(state.ETag, out EntityTagHeaderValue? etag))
            {
                request.Headers.IfNoneMatch.Add(etag);
            }

            if (state.LastModified is not null && DateTimeOffset.TryParse(state.LastModified, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset since))
            {
                request.Headers.IfModifiedSince = since;
            }
        }

        string? path = null;
        try
        {
            using HttpResponseMessage response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                context.ArchiveNotModified(archive.AbsoluteUri);
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                context.ReportProblem(archive.AbsoluteUri, $"fetch failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                return null;
            }

            path = Path.Combine(Path.GetTempPath(), "gatehouse-osv-" + Guid.NewGuid().ToString("N") + ".zip");
            await using (FileStream file = File.Create(path))
            {
                await response.Content.CopyToAsync(file, cancellationToken);
            }

            return new Spooled(path, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
        }
        catch (HttpRequestException e)
        {
            context.ReportProblem(archive.AbsoluteUri, "fetch failed: " + e.Message);
            DeleteQuietly(path);
            return null;
        }
        catch (IOException e)
        {
            context.ReportProblem(archive.AbsoluteUri, "fetch failed: " + e.Message);
            DeleteQuietly(path);
            return null;
        }
    }

    private sealed record Spooled(string Path, string? ETag, string? LastModified);

    private static void DeleteQuietly(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
