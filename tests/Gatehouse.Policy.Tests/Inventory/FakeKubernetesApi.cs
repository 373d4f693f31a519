using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// An in-process Kubernetes API server for pods, speaking the real protocol over HTTP (Kestrel on 127.0.0.1:0):
/// paged list (<c>limit</c>/<c>continue</c>) with a resourceVersion, and watch (<c>?watch=true&amp;resourceVersion=…</c>)
/// streaming JSON lines <c>{"type","object"}</c> from the event log after that version, BOOKMARKs when asked, and an
/// ERROR event with a 410 Status for a version older than the last compaction; coordination.k8s.io/v1 Leases (see the
/// Leases part). Faults: abrupt disconnects, compaction, 403 on pods, and one client cut off (<see cref="Partition"/>;
/// clients name themselves with the <see cref="ClientHeader"/> header, see <see cref="Client"/>).
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    public const string ClientHeader = "X-Fake-Client";

    private readonly object _gate = new();
    private readonly SortedDictionary<string, JsonObject> _pods = new(StringComparer.Ordinal);
    private readonly List<(long Rv, string Type, JsonObject Pod)> _log = [];
    private readonly List<Watch> _watches = [];
    private WebApplication? _app;
    private long _rv = 1000;
    private long _compactedThrough;

    private readonly HashSet<string> _partitioned = new(StringComparer.Ordinal);

    private sealed record Watch(Channel<string> Lines, CancellationTokenSource Abort, string Client);

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request's path and query, in order (what the client asked for).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Controller owners of ReplicaSets and Jobs (<c>ns/Kind/name</c>); others answer 404.</summary>
    public ConcurrentDictionary<string, (string Kind, string Name)> Owners { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request with the client that sent it (<see cref="ClientHeader"/>; empty when unnamed).</summary>
    public ConcurrentQueue<(string Client, string Method, string Path)> ClientRequests { get; } = new();

    public int ActiveWatches { get { lock (_gate) return _watches.Count; } }

    /// <summary>Pods may not be listed or watched: 403 Forbidden, as for a service account without the RBAC rule.</summary>
    public bool ForbidPods { get; set; }

    /// <summary>A client for this server that names itself <paramref name="name"/> on every request.</summary>
    public k8s.Kubernetes Client(string name) =>
        new(new k8s.KubernetesClientConfiguration { Host = Url.ToString() }, new NamingHandler(name));

    /// <summary>Cuts one client off (a network partition): its open watches drop and its requests are reset.</summary>
    public void Partition(string client)
    {
        lock (_gate)
        {
            _partitioned.Add(client);
            foreach (var watch in _watches.Where(w => w.Client == client)) watch.Abort.Cancel();
        }
    }

    public void Heal(string client)
    {
        lock (_gate) _partitioned.Remove(client);
    }

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var api = new FakeKubernetesApi();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            var client = http.Request.Headers[ClientHeader].ToString();
            api.ClientRequests.Enqueue((client, http.Request.Method, http.Request.Path + http.Request.QueryString));
            bool cut;
            lock (api._gate) cut = api._partitioned.Contains(client);
            if (cut) http.Abort();
            else await next(http);
        });
        app.MapGet("/api/v1/pods", api.PodsAsync);
        api.MapLeases(app);
        app.MapGet("/apis/apps/v1/namespaces/{ns}/replicasets/{name}", (HttpContext http, string ns, string name) => api.OwnedAsync(http, "ReplicaSet", ns, name));
        app.MapGet("/apis/batch/v1/namespaces/{ns}/jobs/{name}", (HttpContext http, string ns, string name) => api.OwnedAsync(http, "Job", ns, name));
        await app.StartAsync();
        api._app = app;
        api.Url = new Uri(app.Urls.First());
        return api;
    }

    public void Upsert(JsonObject pod)
    {
        lock (_gate)
        {
            var key = Key(pod);
            pod["metadata"]!["resourceVersion"] = (++_rv).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var type = _pods.ContainsKey(key) ? "MODIFIED" : "ADDED";
            _pods[key] = pod;
            Append(type, pod);
        }
    }

    public void Delete(string ns, string name)
    {
        lock (_gate)
        {
            if (!_pods.Remove($"{ns}/{name}", out var pod)) return;
            pod = (JsonObject)pod.DeepClone();
            pod["metadata"]!["resourceVersion"] = (++_rv).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Append("DELETED", pod);
        }
    }

    /// <summary>Forgets the event log: a watch from any version before now gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _rv;
            _log.Clear();
        }
    }

    /// <summary>Drops every open watch connection without a goodbye (as a load balancer or API server restart does).</summary>
    public void DisconnectWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches) watch.Abort.Cancel();
        }
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion to every open watch.</summary>
    public void Bookmark()
    {
        lock (_gate)
        {
            var line = Line("BOOKMARK", new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(_rv) } });
            foreach (var watch in _watches) watch.Lines.Writer.TryWrite(line);
        }
    }

    private void Append(string type, JsonObject pod)
    {
        _log.Add((_rv, type, (JsonObject)pod.DeepClone()));
        var line = Line(type, pod);
        foreach (var watch in _watches) watch.Lines.Writer.TryWrite(line);
    }

    private async Task PodsAsync(HttpContext http)
    {
        Requests.Enqueue(http.Request.Path + http.Request.QueryString);
        var watching = http.Request.Query["watch"] is ["true" or "1"];
        if (ForbidPods)
        {
            await StatusAsync(http, 403, "Forbidden", $"pods is forbidden: User \"system:serviceaccount:gatehouse:gatehouse-policy\" cannot {(watching ? "watch" : "list")} resource \"pods\" in API group \"\" at the cluster scope");
            return;
        }
        if (watching) await WatchAsync(http);
        else await ListAsync(http);
    }

    private async Task ListAsync(HttpContext http)
    {
        var limit = int.TryParse(http.Request.Query["limit"], out var l) && l > 0 ? l : int.MaxValue;
        var offset = int.TryParse(http.Request.Query["continue"], out var o) ? o : 0;
        JsonObject list;
        lock (_gate)
        {
            var page = _pods.Values.Skip(offset).Take(limit).Select(p => (JsonNode)p.DeepClone()).ToArray();
            var more = offset + page.Length < _pods.Count;
            var metadata = new JsonObject { ["resourceVersion"] = Rv(_rv) };
            if (more) metadata["continue"] = (offset + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
            list = new JsonObject { ["kind"] = "PodList", ["apiVersion"] = "v1", ["metadata"] = metadata, ["items"] = new JsonArray(page) };
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(list.ToJsonString());
    }

    private async Task WatchAsync(HttpContext http)
    {
        var from = long.TryParse(http.Request.Query["resourceVersion"], out var v) ? v : 0;
        var timeout = int.TryParse(http.Request.Query["timeoutSeconds"], out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(5);
        http.Response.ContentType = "application/json";
        var watch = new Watch(Channel.CreateUnbounded<string>(), new CancellationTokenSource(), http.Request.Headers[ClientHeader].ToString());
        lock (_gate)
        {
            if (from < _compactedThrough)
            {
                var status = new JsonObject
                {
                    ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
                    ["message"] = $"too old resource version: {from} ({_compactedThrough})", ["reason"] = "Expired", ["code"] = 410,
                };
                watch.Lines.Writer.TryWrite(Line("ERROR", status));
                watch.Lines.Writer.TryComplete();
            }
            else
            {
                foreach (var (rv, type, pod) in _log.Where(e => e.Rv > from)) watch.Lines.Writer.TryWrite(Line(type, pod));
                _watches.Add(watch);
            }
        }
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, watch.Abort.Token);
        ended.CancelAfter(timeout);
        try
        {
            await http.Response.StartAsync(ended.Token);
            await foreach (var line in watch.Lines.Reader.ReadAllAsync(ended.Token))
            {
                await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), ended.Token);
                await http.Response.Body.FlushAsync(ended.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // A fault: cut the connection instead of ending the chunked body cleanly.
            if (watch.Abort.IsCancellationRequested) http.Abort();
        }
        finally
        {
            lock (_gate) _watches.Remove(watch);
            watch.Abort.Dispose();
        }
    }

    private async Task OwnedAsync(HttpContext http, string kind, string ns, string name)
    {
        Requests.Enqueue(http.Request.Path.ToString());
        http.Response.ContentType = "application/json";
        if (!Owners.TryGetValue($"{ns}/{kind}/{name}", out var owner))
        {
            await StatusAsync(http, 404, "NotFound", $"{kind.ToLowerInvariant()}s \"{name}\" not found");
            return;
        }
        var obj = new JsonObject
        {
            ["kind"] = kind, ["apiVersion"] = kind == "Job" ? "batch/v1" : "apps/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name, ["namespace"] = ns,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1", ["kind"] = owner.Kind, ["name"] = owner.Name, ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true,
                }),
            },
        };
        await http.Response.WriteAsync(obj.ToJsonString());
    }

    /// <summary>A failure as the API server sends it: a v1 Status with the HTTP code.</summary>
    private static async Task StatusAsync(HttpContext http, int code, string reason, string message)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message,
            ["reason"] = reason, ["code"] = code,
        }.ToJsonString());
    }

    private sealed class NamingHandler(string name) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation(ClientHeader, name);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static string Line(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";

    private static string Key(JsonObject pod) => $"{pod["metadata"]!["namespace"]}/{pod["metadata"]!["name"]}";

    private static string Rv(long rv) => rv.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        DisconnectWatches();
        if (_app is not null) await _app.DisposeAsync();
    }
}
