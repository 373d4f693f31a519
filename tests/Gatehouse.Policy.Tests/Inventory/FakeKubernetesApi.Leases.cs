using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// coordination.k8s.io/v1 Leases as the API server keeps them: get (404 when absent), create (201; 409 AlreadyExists
/// when it exists) and replace (200; 409 Conflict when the body's resourceVersion is not the stored one, an
/// unconditional update when it carries none; 404 when absent). Every write takes the next resourceVersion of the one
/// counter pods use too, as etcd's revision does. Fault: <see cref="ForbidLeases"/> (403, no RBAC rule).
/// </summary>
public sealed partial class FakeKubernetesApi
{
    private const string LeasesPath = "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
    private readonly Dictionary<string, JsonObject> _leases = new(StringComparer.Ordinal);
    private int _leaseConflicts;

    /// <summary>Leases may not be read or written: 403 Forbidden.</summary>
    public bool ForbidLeases { get; set; }

    /// <summary>Writes refused with 409 (create of an existing Lease, replace from a stale resourceVersion).</summary>
    public int LeaseConflicts => Volatile.Read(ref _leaseConflicts);

    /// <summary>The Lease's <c>spec.holderIdentity</c> (null when there is no Lease or no holder).</summary>
    public string? LeaseHolder(string ns, string name)
    {
        lock (_gate) return _leases.TryGetValue($"{ns}/{name}", out var lease) ? (string?)lease["spec"]?["holderIdentity"] : null;
    }

    /// <summary>The Lease's <c>spec.leaseTransitions</c> (0 when absent).</summary>
    public int LeaseTransitions(string ns, string name)
    {
        lock (_gate) return _leases.TryGetValue($"{ns}/{name}", out var lease) ? (int?)lease["spec"]?["leaseTransitions"] ?? 0 : 0;
    }

    private void MapLeases(WebApplication app)
    {
        app.MapGet(LeasesPath + "/{name}", (HttpContext http, string ns, string name) => LeaseAsync(http, ns, name, read: true));
        app.MapPut(LeasesPath + "/{name}", (HttpContext http, string ns, string name) => LeaseAsync(http, ns, name, read: false));
        app.MapPost(LeasesPath, (HttpContext http, string ns) => CreateLeaseAsync(http, ns));
    }

    private async Task LeaseAsync(HttpContext http, string ns, string name, bool read)
    {
        if (ForbidLeases)
        {
            await ForbiddenLeaseAsync(http, read ? "get" : "update", ns);
            return;
        }
        var body = read ? null : await ReadBodyAsync(http);
        int code;
        JsonObject answer;
        lock (_gate)
        {
            var key = $"{ns}/{name}";
            if (!_leases.TryGetValue(key, out var stored))
            {
                (code, answer) = (404, LeaseStatus(404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found"));
            }
            else if (body is null)
            {
                (code, answer) = (200, (JsonObject)stored.DeepClone());
            }
            else if ((string?)body["metadata"]?["name"] != name)
            {
                (code, answer) = (400, LeaseStatus(400, "BadRequest", "the name of the object does not match the name on the URL"));
            }
            else if ((string?)body["metadata"]?["resourceVersion"] is { Length: > 0 } version && version != (string?)stored["metadata"]!["resourceVersion"])
            {
                Interlocked.Increment(ref _leaseConflicts);
                (code, answer) = (409, LeaseStatus(409, "Conflict",
                    $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{name}\": the object has been modified; please apply your changes to the latest version and try again"));
            }
            else if (Invalid(body) is { } problem)
            {
                (code, answer) = (422, LeaseStatus(422, "Invalid", problem));
            }
            else
            {
                body["metadata"]!["uid"] = stored["metadata"]!["uid"]?.DeepClone();
                body["metadata"]!["creationTimestamp"] = stored["metadata"]!["creationTimestamp"]?.DeepClone();
                (code, answer) = (200, Store(key, body, ns));
            }
        }
        await WriteAsync(http, code, answer);
    }

    private async Task CreateLeaseAsync(HttpContext http, string ns)
    {
        if (ForbidLeases)
        {
            await ForbiddenLeaseAsync(http, "create", ns);
            return;
        }
        var body = await ReadBodyAsync(http);
        var name = (string?)body?["metadata"]?["name"];
        int code;
        JsonObject answer;
        lock (_gate)
        {
            if (body is null || string.IsNullOrEmpty(name))
            {
                (code, answer) = (422, LeaseStatus(422, "Invalid", "metadata.name: Required value"));
            }
            else if ((string?)body["metadata"]?["namespace"] is { Length: > 0 } bodyNs && bodyNs != ns)
            {
                (code, answer) = (400, LeaseStatus(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request"));
            }
            else if (_leases.ContainsKey($"{ns}/{name}"))
            {
                Interlocked.Increment(ref _leaseConflicts);
                (code, answer) = (409, LeaseStatus(409, "AlreadyExists", $"leases.coordination.k8s.io \"{name}\" already exists"));
            }
            else if (Invalid(body) is { } problem)
            {
                (code, answer) = (422, LeaseStatus(422, "Invalid", problem));
            }
            else
            {
                body["metadata"]!["uid"] = Guid.NewGuid().ToString();
                body["metadata"]!["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                (code, answer) = (201, Store($"{ns}/{name}", body, ns));
            }
        }
        await WriteAsync(http, code, answer);
    }

    /// <summary>Under the gate: the object as stored, with the next resourceVersion.</summary>
    private JsonObject Store(string key, JsonObject lease, string ns)
    {
        lease["apiVersion"] = "coordination.k8s.io/v1";
        lease["kind"] = "Lease";
        lease["metadata"]!["namespace"] = ns;
        lease["metadata"]!["resourceVersion"] = Rv(++_rv);
        _leases[key] = lease;
        return (JsonObject)lease.DeepClone();
    }

    private static string? Invalid(JsonObject lease) =>
        (int?)lease["spec"]?["leaseDurationSeconds"] is <= 0 ? "spec.leaseDurationSeconds: Invalid value: must be greater than 0"
        : (int?)lease["spec"]?["leaseTransitions"] is < 0 ? "spec.leaseTransitions: Invalid value: must be greater than or equal to 0"
        : null;

    private static Task ForbiddenLeaseAsync(HttpContext http, string verb, string ns) =>
        StatusAsync(http, 403, "Forbidden",
            $"leases.coordination.k8s.io is forbidden: User \"system:serviceaccount:gatehouse:gatehouse-policy\" cannot {verb} resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"{ns}\"");

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext http)
    {
        try
        {
            return (await JsonNode.ParseAsync(http.Request.Body))?.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static JsonObject LeaseStatus(int code, string reason, string message) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message,
        ["reason"] = reason, ["code"] = code, ["details"] = new JsonObject { ["group"] = "coordination.k8s.io", ["kind"] = "leases" },
    };

    private static async Task WriteAsync(HttpContext http, int code, JsonObject body)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString());
    }
}
