using System.Text.Json.Serialization;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Gatehouse.Signer.Verification;

namespace Gatehouse.Signer;

[JsonSerializable(typeof(SignatureDiscovery))]
[JsonSerializable(typeof(AttestationSet))]
[JsonSerializable(typeof(DsseEnvelope))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class SignerJsonContext : JsonSerializerContext;
