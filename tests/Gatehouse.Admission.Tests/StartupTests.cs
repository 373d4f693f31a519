using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Admission.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Gatehouse.Testing;

namespace Gatehouse.Admission.Tests;

/// <summary>Start-up validation of the settings, and TLS from mounted files that change under a running server.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Gatehouse:Admission:Deadline", "00:00:00", "Deadline must be between 10 ms and 29 s")]
    [InlineData("Gatehouse:Admission:DefaultProfile", "Prod_1", "DefaultProfile 'Prod_1' is not a profile name")]
    [InlineData("Gatehouse:Admission:Tls:CertFile", "/nonexistent/tls.crt", "Tls:KeyFile is required")]
    [InlineData("Gatehouse:Decisions:MacKey", "c2hvcnQ=", "the MAC key has 5 bytes; at least 32 are required")]
    public void Bad_settings_fail_at_start_with_the_setting_named(string key, string value, string message)
    {
        var error = StartupFailure.Expect<OptionsValidationException, AdmissionFactory>(
            () => new AdmissionFactory().With(key, value), factory => factory.CreateClient().Dispose());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_policy_file_fails_at_start_with_the_policy_error()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("gatehouse-policy-").FullName, "bad.yaml");
        File.WriteAllText(file, "apiVersion: gatehouse.dev/v1alpha1\nkind: ImagePolicy\nmetadata: {name: bad}\nspec: {profile: bad, registries: ['ghcr.io']}\n");
        try
        {
            using var factory = new AdmissionFactory().With("Gatehouse:Policy:Files:0", file);
            var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            Assert.Contains("registry pattern 'ghcr.io' has no repository part", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task Readiness_waits_for_the_warm_up_which_has_no_side_effects()
    {
        await using var factory = new AdmissionFactory().With("Gatehouse:Admission:WarmupRounds", "5");
        var client = factory.CreateClient();
        var ready = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 100 && ready != HttpStatusCode.OK; attempt++)
        {
            using var response = await client.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
            ready = response.StatusCode;
            if (ready != HttpStatusCode.OK) await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Empty(factory.PublishedSoFar<Gatehouse.Contracts.Messages.ScanRequested>());
    }

    [Fact]
    public void Redis_without_a_MAC_key_fails_at_start()
    {
        var error = StartupFailure.Expect<OptionsValidationException, AdmissionFactory>(
            () => new AdmissionFactory().With("Gatehouse:Redis", "127.0.0.1:1").With("Gatehouse:Decisions:MacKey", ""),
            factory => factory.CreateClient().Dispose());
        Assert.Contains("Gatehouse:Decisions:MacKey (or MacKeyFile) is required with Redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TLS_serves_the_mounted_certificate_and_picks_up_a_rotated_one()
    {
        var directory = Directory.CreateTempSubdirectory("gatehouse-tls-");
        try
        {
            var cert = Path.Combine(directory.FullName, "tls.crt");
            var key = Path.Combine(directory.FullName, "tls.key");
            var first = WritePem(cert, key, "CN=admission-1");
            var port = FreePort();
            await using var factory = new AdmissionFactory()
                .With("Gatehouse:Admission:Tls:CertFile", cert)
                .With("Gatehouse:Admission:Tls:KeyFile", key)
                .With("Gatehouse:Admission:Tls:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            factory.UseKestrel();
            factory.StartServer();

            Assert.Equal(first, await PresentedThumbprintAsync(port));

            var second = WritePem(cert, key, "CN=admission-2");
            var reloader = (CertificateReloader)factory.Services.GetService(typeof(CertificateReloader))!;
            await Gatehouse.Testing.Eventually.TrueAsync(() => reloader.Current.Thumbprint == second || reloader.Reload(), TimeSpan.FromSeconds(10), "the reload");
            Assert.Equal(second, await PresentedThumbprintAsync(port));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_half_written_certificate_keeps_the_last_good_one()
    {
        var directory = Directory.CreateTempSubdirectory("gatehouse-tls-");
        try
        {
            var cert = Path.Combine(directory.FullName, "tls.crt");
            var key = Path.Combine(directory.FullName, "tls.key");
            var good = WritePem(cert, key, "CN=good");
            using var reloader = new CertificateReloader(cert, key, NullLogger<CertificateReloader>.Instance, TimeSpan.FromHours(1));
            File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\nMIIB");
            Assert.False(reloader.Reload());
            Assert.Equal(good, reloader.Current.Thumbprint);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string WritePem(string certPath, string keyPath, string subject)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509SubjectAlternativeNameExtension(BuildSan()));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(keyPath, ecdsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        return certificate.Thumbprint;

        static byte[] BuildSan()
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            return san.Build().RawData;
        }
    }

    private static async Task<string> PresentedThumbprintAsync(int port)
    {
        string? seen = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    // The test trusts exactly what it is about to compare: the certificate it wrote.
                    seen = certificate is null ? null : new X509Certificate2(certificate).Thumbprint;
                    return seen is not null;
                },
            },
        };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{port}/healthz/live"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return seen!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
