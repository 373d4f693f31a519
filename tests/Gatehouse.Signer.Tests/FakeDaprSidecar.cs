using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Signer.Tests;

/// <summary>
/// A stand-in Dapr sidecar on 127.0.0.1 with a secret store. Dapr.Client 1.19 fetches secrets over gRPC
/// (<c>/dapr.proto.runtime.v1.Dapr/GetSecret</c>, HTTP/2 cleartext, length-prefixed protobuf, status in trailers), so
/// that is what it serves, with Dapr's own message types; it also serves the HTTP API
/// (<c>GET /v1.0/secrets/{store}/{name}</c> → <c>{"name":"value"}</c>) for clients that use it.
/// </summary>
public sealed class FakeDaprSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyDictionary<(string Store, string Name), IReadOnlyDictionary<string, string>> _secrets;

    private FakeDaprSidecar(WebApplication app, IReadOnlyDictionary<(string, string), IReadOnlyDictionary<string, string>> secrets)
    {
        _app = app;
        _secrets = secrets;
    }

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<(string Protocol, string Store, string Name)> Requests { get; } = new();

    public static async Task<FakeDaprSidecar> StartAsync(IReadOnlyDictionary<(string, string), IReadOnlyDictionary<string, string>> secrets)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var sidecar = new FakeDaprSidecar(builder.Build(), secrets);
        sidecar._app.MapPost("/dapr.proto.runtime.v1.Dapr/GetSecret", sidecar.GetSecretGrpcAsync);
        sidecar._app.MapGet("/v1.0/secrets/{store}/{name}", sidecar.GetSecretHttp);
        await sidecar._app.StartAsync();
        var address = sidecar._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sidecar.Endpoint = new Uri(address);
        return sidecar;
    }

    private async Task GetSecretGrpcAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var frame = body.ToArray();
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1, 4));
        var request = GetSecretRequest.Parser.ParseFrom(frame.AsSpan(5, length));
        Requests.Enqueue(("grpc", request.StoreName, request.Key));
        context.Response.ContentType = "application/grpc";
        if (!_secrets.TryGetValue((request.StoreName, request.Key), out var values))
        {
            // Dapr answers an unknown secret with a gRPC error status, not an empty map.
            context.Response.AppendTrailer("grpc-status", "5");
            context.Response.AppendTrailer("grpc-message", $"secret {request.Key} not found in {request.StoreName}");
            return;
        }

        var response = new GetSecretResponse();
        foreach (var (key, value) in values)
        {
            response.Data.Add(key, value);
        }

        var message = response.ToByteArray();
        var output = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(1, 4), message.Length);
        message.CopyTo(output, 5);
        await context.Response.Body.WriteAsync(output);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private IResult GetSecretHttp(string store, string name)
    {
        Requests.Enqueue(("http", store, name));
        return _secrets.TryGetValue((store, name), out var values)
            ? Results.Content(System.Text.Json.JsonSerializer.Serialize(values), "application/json")
            : Results.NotFound();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
