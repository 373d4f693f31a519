using System.Net;
using System.Text;
using Gatehouse.Oci.Registry;
using static Gatehouse.Oci.Tests.RecordedHttpHandler;
using static Gatehouse.Oci.Tests.RegistryFixtures;

namespace Gatehouse.Oci.Tests;

public sealed class RegistryAuthRecordedTests
{
    private const string Challenge =
        """Bearer realm="https://auth.test/token",service="registry.test",scope="repository:team/app:pull" """;

    private const string TokenUrl = "https://auth.test/token?service=registry.test&scope=repository%3Ateam%2Fapp%3Apull";

    [Fact]
    public async Task Bearer_challenge_fetches_a_token_anonymously_and_retries_with_it()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Unauthorized(Challenge))
            .Expect(HttpMethod.Get, TokenUrl, HttpStatusCode.OK, """{"token":"tok-1","expires_in":300}"""u8.ToArray(), "application/json")
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Manifest(ManifestBytes, OciMediaTypes.DockerManifest));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var manifest = await store.GetManifestAsync("team/app", "1.0");

        Assert.Equal(ManifestDigest, manifest.Digest);
        Assert.Null(handler.Requests[0].Authorization);
        Assert.Null(handler.Requests[1].Authorization); // no credentials configured: anonymous token
        Assert.Equal("Bearer", handler.Requests[2].Authorization?.Scheme);
        Assert.Equal("tok-1", handler.Requests[2].Authorization?.Parameter);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Cached_token_is_sent_up_front_on_the_next_call_for_the_same_scope()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Unauthorized(Challenge))
            .Expect(HttpMethod.Get, TokenUrl, HttpStatusCode.OK, """{"access_token":"tok-2"}"""u8.ToArray(), "application/json")
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Manifest(ManifestBytes, OciMediaTypes.DockerManifest))
            .Expect(HttpMethod.Get, Url($"team/app/blobs/{ConfigDigest}"), HttpStatusCode.OK, ConfigBytes);
        var factory = OciTestHost.Factory(handler);

        await factory.ForRegistry("registry.test").GetManifestAsync("team/app", "1.0");
        // A new store instance shares the process-wide token cache.
        await using var blob = await factory.ForRegistry("registry.test").OpenBlobAsync("team/app", ConfigDigest);
        await blob.CopyToAsync(Stream.Null);

        Assert.Equal(4, handler.Requests.Count); // no second 401 round trip
        Assert.Equal("tok-2", handler.Requests[3].Authorization?.Parameter);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Token_request_carries_configured_credentials_and_push_scope()
    {
        var pushChallenge = """Bearer realm="https://auth.test/token",service="registry.test",scope="repository:team/app:pull,push" """;
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Put, Url("team/app/manifests/1.0"), _ => Unauthorized(pushChallenge))
            .Expect(HttpMethod.Get, "https://auth.test/token?service=registry.test&scope=repository%3Ateam%2Fapp%3Apull%2Cpush",
                HttpStatusCode.OK, """{"token":"push-token","expires_in":60}"""u8.ToArray(), "application/json")
            .Expect(HttpMethod.Put, Url("team/app/manifests/1.0"), HttpStatusCode.Created, null, null, ("Docker-Content-Digest", ManifestDigest));
        var store = OciTestHost.Factory(handler, new Dictionary<string, string?>
        {
            ["Gatehouse:Registries:corp:Host"] = "registry.test",
            ["Gatehouse:Registries:corp:Username"] = "robot",
            ["Gatehouse:Registries:corp:Password"] = "s3cret",
        }).ForRegistry("registry.test");

        var digest = await store.PushManifestAsync("team/app", "1.0", OciMediaTypes.DockerManifest, ManifestBytes);

        Assert.Equal(ManifestDigest, digest);
        Assert.Equal("Basic", handler.Requests[1].Authorization?.Scheme);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:s3cret")), handler.Requests[1].Authorization?.Parameter);
        Assert.Equal("push-token", handler.Requests[2].Authorization?.Parameter);
        Assert.Equal(ManifestBytes, handler.Requests[2].Body);
        Assert.Equal(OciMediaTypes.DockerManifest, handler.Requests[2].ContentType);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Basic_challenge_is_answered_with_configured_credentials()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/tags/list?n=1000"), _ => Unauthorized("""Basic realm="Registry Realm" """))
            .Expect(HttpMethod.Get, Url("team/app/tags/list?n=1000"), HttpStatusCode.OK,
                """{"name":"team/app","tags":["1.0","2.0"]}"""u8.ToArray(), "application/json");
        var store = OciTestHost.Factory(handler, new Dictionary<string, string?>
        {
            ["Gatehouse:Registries:registry.test:Username"] = "alice",
            ["Gatehouse:Registries:registry.test:Password"] = "pw",
        }).ForRegistry("registry.test");

        var tags = await store.ListTagsAsync("team/app");

        Assert.Equal(["1.0", "2.0"], tags);
        Assert.Equal("Basic", handler.Requests[1].Authorization?.Scheme);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pw")), handler.Requests[1].Authorization?.Parameter);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Basic_challenge_without_credentials_says_how_to_configure_them()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/tags/list?n=1000"), _ => Unauthorized("""Basic realm="Registry Realm" """));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<OciAuthenticationException>(() => store.ListTagsAsync("team/app"));

        Assert.Contains("Gatehouse:Registries", error.Message, StringComparison.Ordinal);
        Assert.Contains("registry.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_401_after_authenticating_is_an_authentication_error_not_a_loop()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Unauthorized(Challenge))
            .Expect(HttpMethod.Get, TokenUrl, HttpStatusCode.OK, """{"token":"weak"}"""u8.ToArray(), "application/json")
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Unauthorized(Challenge));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        await Assert.ThrowsAsync<OciAuthenticationException>(() => store.GetManifestAsync("team/app", "1.0"));
        handler.AssertAllConsumed();
    }

    [Theory]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000/v2/")]
    [InlineData("localhost:5000", "http://localhost:5000/v2/")]
    [InlineData("[::1]:5000", "http://[::1]:5000/v2/")]
    [InlineData("127.1.2.3", "http://127.1.2.3/v2/")]
    [InlineData("registry.test", "https://registry.test/v2/")]
    [InlineData("insecure.test:8080", "http://insecure.test:8080/v2/")]
    [InlineData("docker.io", "https://registry-1.docker.io/v2/")]
    public async Task Uses_http_only_for_loopback_and_configured_insecure_registries(string registry, string expectedBase)
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, expectedBase + "team/app/tags/list?n=1000", HttpStatusCode.OK, """{"tags":[]}"""u8.ToArray(), "application/json");
        var store = OciTestHost.Factory(handler, new Dictionary<string, string?>
        {
            ["Gatehouse:Registries:lab:Host"] = "insecure.test:8080",
            ["Gatehouse:Registries:lab:Insecure"] = "true",
        }).ForRegistry(registry);

        await store.ListTagsAsync("team/app");

        handler.AssertAllConsumed();
    }

    [Theory]
    [InlineData("""Bearer realm="https://auth.test/token",service="registry.test",scope="repository:a/b:pull,push" """, "Bearer", "repository:a/b:pull,push")]
    [InlineData("""bearer realm="https://auth.test/token", scope="repository:a:pull" """, "bearer", "repository:a:pull")]
    [InlineData("""Bearer realm="https://auth.test/token",scope="repo \"quoted\"" """, "Bearer", "repo \"quoted\"")]
    public void Challenge_parser_keeps_commas_and_escapes_inside_quotes(string header, string scheme, string scope)
    {
        var challenge = Assert.Single(AuthChallenge.Parse(header));

        Assert.Equal(scheme, challenge.Scheme);
        Assert.Equal("https://auth.test/token", challenge["realm"]);
        Assert.Equal(scope, challenge["scope"]);
    }

    [Fact]
    public void Challenge_parser_separates_several_challenges_on_one_line()
    {
        var challenges = AuthChallenge.Parse("""Basic realm="basic", Bearer realm="https://auth.test/token",service="svc" """);

        Assert.Equal(["Basic", "Bearer"], challenges.Select(c => c.Scheme));
        Assert.Equal("basic", challenges[0]["realm"]);
        Assert.Equal("svc", challenges[1]["service"]);
    }
}
