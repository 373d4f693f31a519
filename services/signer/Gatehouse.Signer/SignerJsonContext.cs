using System.Text.Json.Serialization;
using Gatehouse.Signer.Discovery;

namespace Gatehouse.Signer;

[JsonSerializable(typeof(SignatureDiscovery))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class SignerJsonContext : JsonSerializerContext;
