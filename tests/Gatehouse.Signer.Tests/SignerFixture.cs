using System.Security.Cryptography;
using System.Text;
using Gatehouse.Oci;
using Gatehouse.Oci.Layout;
using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Signing;
using Gatehouse.Signer.Verification;

namespace Gatehouse.Signer.Tests;

/// <summary>A temporary folder with a signing key file, a small image in an OCI layout, and the signer and verifier around them.</summary>
public sealed class SignerFixture : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gatehouse-signer-");

    public SignerFixture()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        KeyPath = Path.Combine(_directory.FullName, "cosign.key");
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        LayoutPath = Path.Combine(_directory.FullName, "layout");
        Layout = new OciLayoutStore(LayoutPath);
        Signer = new PromotedImageSigner(new FileSigningKeySource(KeyPath));
    }

    public string KeyPath { get; }

    public string PublicKeyPem { get; }

    public string LayoutPath { get; }

    public IImageStore Layout { get; }

    public PromotedImageSigner Signer { get; }

    public static PromotionEvidence Evidence => new(
        Encoding.UTF8.GetBytes("""{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"openssl","version":"3.0.15-1~deb12u1"}]}"""),
        new VulnerabilityScan("pkg:github/gatehouse/scanner", "1.0.0", "https://osv.dev", "sha256:advisories", """{"findings":[]}"""u8.ToArray(),
            new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 6, 1, 12, 0, 5, TimeSpan.Zero)));

    public async Task<string> PushImageAsync(string tag = "v1", string content = "hello")
    {
        var image = await new OciImageLayoutBuilder()
            .AddLayer(new Dictionary<string, byte[]> { ["app/hello.txt"] = Encoding.UTF8.GetBytes(content) })
            .PushAsync(Layout, "", tag);
        return image.Digest;
    }

    public static ImageSignatureVerifier Verifier(params TrustAuthority[] authorities) =>
        new(new SignatureFormatVerifiers(SignatureFormatVerifiers.BuiltIn), TrustAuthorities.Create(authorities), TimeProvider.System);

    public TrustAuthority KeyAuthority(string name = "release", string? pem = null) =>
        TrustAuthority.Key(name, Sigstore.PublicKeyPolicy.FromPem(pem ?? PublicKeyPem), null, null);

    public static async Task<(SignatureDiscovery Found, LoadedSignatures Loaded)> DiscoverAsync(IImageStore store, string repository, string digest)
    {
        var discovery = new SignatureArtifactDiscovery(TimeProvider.System);
        return await discovery.LoadAsync(store, await discovery.FindAsync(store, "registry.test", repository, digest, default), default);
    }

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
