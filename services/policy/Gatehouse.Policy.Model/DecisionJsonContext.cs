using System.Text.Json.Serialization;
using Gatehouse.Contracts.Decisions;

namespace Gatehouse.Policy.Model;

/// <summary>
/// The one JSON shape of decision records and versions in the store (camelCase, source-generated), shared by
/// the policy service that writes them and admission that reads them.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(DecisionVersions))]
public sealed partial class DecisionJsonContext : JsonSerializerContext;
