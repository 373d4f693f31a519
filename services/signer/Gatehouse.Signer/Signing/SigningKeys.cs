using System.Security.Cryptography;
using Dapr.Client;
using Gatehouse.Signer.Authorities;

namespace Gatehouse.Signer.Signing;

/// <summary>Where the signer's private key comes from; read on every signing, so a rotated secret takes effect.</summary>
public interface ISigningKeySource
{
    /// <summary>Where the key lives, for messages (never the key itself).</summary>
    string Description { get; }

    /// <exception cref="SigningKeyException">The key is missing or not an ECDSA P-256 private key.</exception>
    Task<ECDsa> GetKeyAsync(CancellationToken cancellationToken);
}

/// <summary>The signing key cannot be used (missing, malformed, wrong type); retrying does not help.</summary>
public sealed class SigningKeyException : Exception
{
    public SigningKeyException()
    {
    }

    public SigningKeyException(string message)
        : base(message)
    {
    }

    public SigningKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Parses the PEM private keys the signer accepts: PKCS#8 (<c>PRIVATE KEY</c>) or SEC 1 (<c>EC PRIVATE KEY</c>), P-256 only.</summary>
public static class SigningKeyPem
{
    public static ECDsa Parse(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
        {
            throw new SigningKeyException(
                $"{source}: encrypted keys (cosign's or PKCS#8) are not supported; store the key unencrypted in the secret store or a mounted secret");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new SigningKeyException($"{source}: the key must be ECDSA P-256 (cosign's default), not {key.KeySize}-bit");
            }

            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new SigningKeyException($"{source}: not a PEM ECDSA private key: {e.Message}", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The public half as PEM, what verifiers configure as a Key authority.</summary>
    public static string PublicKeyPem(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return PemEncoding.WriteString("PUBLIC KEY", key.ExportSubjectPublicKeyInfo());
    }
}

/// <summary>A key file mounted into the container (e.g. a Kubernetes secret volume).</summary>
public sealed class FileSigningKeySource(string path) : ISigningKeySource
{
    public string Description => $"key file {path}";

    public async Task<ECDsa> GetKeyAsync(CancellationToken cancellationToken)
    {
        string pem;
        try
        {
            pem = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"{Description} cannot be read: {e.Message}", e);
        }

        return SigningKeyPem.Parse(pem, Description);
    }
}

/// <summary>
/// A secret from a Dapr secret store, through the sidecar (Dapr.Client speaks gRPC to it:
/// <c>dapr.proto.runtime.v1.Dapr/GetSecret</c>). The secret's value map holds the PEM under <see cref="SigningOptions.SecretKey"/>.
/// </summary>
public sealed class DaprSecretSigningKeySource(DaprClient dapr, SigningOptions options) : ISigningKeySource
{
    public string Description => $"Dapr secret {options.SecretStore}/{options.SecretName}";

    public async Task<ECDsa> GetKeyAsync(CancellationToken cancellationToken)
    {
        var secret = await dapr.GetSecretAsync(options.SecretStore!, options.SecretName!, cancellationToken: cancellationToken);
        var key = string.IsNullOrWhiteSpace(options.SecretKey) ? options.SecretName! : options.SecretKey;
        if (!secret.TryGetValue(key, out var pem) || string.IsNullOrWhiteSpace(pem))
        {
            throw new SigningKeyException($"{Description} has no value under '{key}' (it has: {string.Join(", ", secret.Keys)})");
        }

        return SigningKeyPem.Parse(pem, Description);
    }

    /// <summary>A client for the configured sidecar endpoint, or the SDK's default discovery (DAPR_GRPC_ENDPOINT / DAPR_GRPC_PORT).</summary>
    public static DaprClient CreateClient(SigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new DaprClientBuilder();
        if (!string.IsNullOrWhiteSpace(options.DaprGrpcEndpoint))
        {
            builder.UseGrpcEndpoint(options.DaprGrpcEndpoint);
        }

        return builder.Build();
    }
}

/// <summary>Signing is not configured (neither Gatehouse:Signer:Signing:SecretStore nor KeyPath).</summary>
public sealed class UnconfiguredSigningKeySource : ISigningKeySource
{
    public string Description => "no signing key";

    public Task<ECDsa> GetKeyAsync(CancellationToken cancellationToken) => throw new SigningKeyException(
        "signing is not configured: set Gatehouse:Signer:Signing:SecretStore and SecretName (Dapr) or KeyPath (mounted file)");
}
