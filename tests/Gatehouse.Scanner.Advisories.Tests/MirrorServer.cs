using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gatehouse.Scanner.Advisories.Tests;

// A minimal osv.dev-style mirror on 127.0.0.1 for sync tests: serves ecosystems.txt and
// <ecosystem>/all.zip with ETag and Last-Modified, answers conditional requests with 304, and
// records every request so tests can count them.
internal sealed class MirrorServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentDictionary<string, Archive> archives = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> failures = new(StringComparer.Ordinal);
    private readonly Task loop;
    private int version;

    public MirrorServer()
    {
        // Ask the OS for a free port, then serve on it.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        BaseUrl = $"http://127.0.0.1:{Port}/osv/";
        listener.Prefixes.Add(BaseUrl);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string BaseUrl { get; }

    public ConcurrentQueue<(string Path, int Status, bool Conditional)> Requests { get; } = new();

    // Publishes (or replaces) an ecosystem's archive; a new ETag and Last-Modified each time.
    public void Publish(string ecosystem, params (string Name, byte[] Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in files)
            {
                using Stream entry = zip.CreateEntry(name).Open();
                entry.Write(content);
            }
        }

        int v = Interlocked.Increment(ref version);
        archives[ecosystem] = new Archive(buffer.ToArray(), $"\"archive-{v}\"", DateTimeOffset.UnixEpoch.AddDays(v));
    }

    public void FailNext(string ecosystem, int times = 1) => failures[ecosystem] = times;

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by the listener being stopped.
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Handle(context);
        }
    }

    private void Handle(HttpListenerContext context)
    {
        string path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath)["/osv/".Length..];
        bool conditional = context.Request.Headers["If-None-Match"] is not null || context.Request.Headers["If-Modified-Since"] is not null;
        HttpListenerResponse response = context.Response;
        int status;
        if (path == "ecosystems.txt")
        {
            status = Write(response, 200, Encoding.UTF8.GetBytes(string.Join('\n', archives.Keys.Order(StringComparer.Ordinal)) + "\n"));
        }
        else if (path.EndsWith("/all.zip", StringComparison.Ordinal) && archives.TryGetValue(path[..^"/all.zip".Length], out Archive? archive))
        {
            string ecosystem = path[..^"/all.zip".Length];
            if (failures.TryGetValue(ecosystem, out int remaining) && remaining > 0)
            {
                failures[ecosystem] = remaining - 1;
                status = Write(response, 503, []);
            }
            else if (context.Request.Headers["If-None-Match"] == archive.ETag)
            {
                status = Write(response, 304, null);
            }
            else
            {
                response.Headers["ETag"] = archive.ETag;
                response.Headers["Last-Modified"] = archive.LastModified.ToString("R");
                status = Write(response, 200, archive.Content);
            }
        }
        else
        {
            status = Write(response, 404, []);
        }

        Requests.Enqueue((path, status, conditional));
    }

    private static int Write(HttpListenerResponse response, int status, byte[]? body)
    {
        response.StatusCode = status;
        if (body is not null)
        {
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body);
        }

        response.Close();
        return status;
    }

    private sealed record Archive(byte[] Content, string ETag, DateTimeOffset LastModified);
}
