using Gatehouse.Oci;
using Gatehouse.Oci.Layout;
using Gatehouse.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Signer.Tests;

/// <summary>
/// On the real registry (GATEHOUSE_TEST_REGISTRY): the Debian 12 image is copied to a fresh repository, signed with a
/// generated key (signature and SBOM/vulnerability attestations), then verified through the registry client.
/// </summary>
public sealed class RegistryRoundTripTests : IDisposable
{
    private readonly SignerFixture _fixture = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddOciClient(new ConfigurationBuilder().Build()).BuildServiceProvider();

    [Fact]
    public async Task The_signed_Debian_image_verifies_with_the_key_and_not_with_another()
    {
        var registry = _services.GetRequiredService<IImageStoreFactory>().ForRegistry(TestInfra.Registry);
        var repository = $"signer/debian-{Guid.NewGuid():N}"[..26];
        var debian = new OciLayoutStore(Path.Combine(TestInfra.ImagesDirectory, "debian12"));
        var copied = await ImageCopier.CopyAsync(debian, "", "12", registry, repository, "12");

        var signed = await _fixture.Signer.SignAsync(registry, repository, copied.Digest, $"{TestInfra.Registry}/{repository}", SignerFixture.Evidence, default);
        var (found, loaded) = await SignerFixture.DiscoverAsync(registry, repository, copied.Digest);
        var accepted = SignerFixture.Verifier(_fixture.KeyAuthority()).Verify(copied.Digest, loaded, found.Artifacts.Count);
        var rejected = SignerFixture.Verifier(_fixture.KeyAuthority("other", TestKeys.EcdsaP256().PublicPem)).Verify(copied.Digest, loaded, found.Artifacts.Count);

        Assert.Equal(2, found.Artifacts.Count);
        Assert.Empty(accepted.Result.Failures);
        Assert.Contains(accepted.Result.Signers, s => s.ArtifactKind == "signature" && s.KeyId == signed.KeyId);
        Assert.Equal(3, accepted.Result.Signers.Count);
        Assert.Empty(rejected.Result.Signers);
        Assert.All(rejected.Result.Failures, f => Assert.Equal("signature-invalid", f.Code));
        Assert.Equal(3, rejected.Result.Failures.Count);
    }

    public void Dispose()
    {
        _services.Dispose();
        _fixture.Dispose();
    }
}
