using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Signing;

namespace Gatehouse.Signer.Tests;

/// <summary>The signing key from a Dapr secret store, through Dapr.Client against a local fake sidecar speaking Dapr's gRPC API.</summary>
public sealed class DaprSecretTests : IAsyncLifetime, IDisposable
{
    private readonly SignerFixture _fixture = new();
    private FakeDaprSidecar _sidecar = null!;

    public async Task InitializeAsync() => _sidecar = await FakeDaprSidecar.StartAsync(new Dictionary<(string, string), IReadOnlyDictionary<string, string>>
    {
        [("vault", "cosign")] = new Dictionary<string, string> { ["cosign"] = await File.ReadAllTextAsync(_fixture.KeyPath) },
        [("vault", "not-a-key")] = new Dictionary<string, string> { ["not-a-key"] = "hello" },
    });

    private DaprSecretSigningKeySource Source(string name, out Dapr.Client.DaprClient client)
    {
        var options = new SigningOptions { SecretStore = "vault", SecretName = name, DaprGrpcEndpoint = _sidecar.Endpoint.ToString() };
        client = DaprSecretSigningKeySource.CreateClient(options);
        return new DaprSecretSigningKeySource(client, options);
    }

    [Fact]
    public async Task The_key_comes_from_the_secret_store_and_signs_what_the_verifier_accepts()
    {
        var source = Source("cosign", out var client);
        using (client)
        {
            var signer = new PromotedImageSigner(source);
            var digest = await _fixture.PushImageAsync();

            var signed = await signer.SignAsync(_fixture.Layout, "", digest, "registry.test/app", null, default);
            var (found, loaded) = await SignerFixture.DiscoverAsync(_fixture.Layout, "", digest);
            var result = SignerFixture.Verifier(_fixture.KeyAuthority()).Verify(digest, loaded, found.Artifacts.Count);

            Assert.Equal(signed.KeyId, Assert.Single(result.Result.Signers).KeyId);
            var request = Assert.Single(_sidecar.Requests);
            Assert.Equal(("grpc", "vault", "cosign"), (request.Protocol, request.Store, request.Name));
        }
    }

    [Fact]
    public async Task A_secret_that_is_not_a_key_is_a_clear_error()
    {
        var source = Source("not-a-key", out var client);
        using (client)
        {
            var error = await Assert.ThrowsAsync<SigningKeyException>(() => source.GetKeyAsync(default));

            Assert.Contains("Dapr secret vault/not-a-key: not a PEM ECDSA private key", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_fake_also_answers_Daprs_HTTP_secrets_API()
    {
        using var http = new HttpClient { BaseAddress = _sidecar.Endpoint, DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var json = await http.GetStringAsync(new Uri("/v1.0/secrets/vault/not-a-key", UriKind.Relative));

        Assert.Equal("""{"not-a-key":"hello"}""", json);
    }

    public async Task DisposeAsync()
    {
        await _sidecar.DisposeAsync();
    }

    public void Dispose() => _fixture.Dispose();
}
