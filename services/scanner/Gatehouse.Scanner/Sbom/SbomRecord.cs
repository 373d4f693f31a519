using System.Text.Json.Serialization;

namespace Gatehouse.Scanner.Sbom;

/// <summary>Where an image's SBOM is and what it holds; stored per digest.</summary>
/// <param name="SbomRef">The SBOM as an OCI referrer of the image (<c>registry/repository@sha256:...</c>), or the store key when it could not be attached.</param>
/// <param name="Sha256">Hex SHA-256 of the SBOM bytes.</param>
public sealed record SbomRecord(
    string Digest,
    string Registry,
    string Repository,
    string SbomRef,
    string Sha256,
    int ComponentCount,
    string CatalogerSetVersion,
    IReadOnlyList<string> Problems,
    DateTimeOffset GeneratedAt);

[JsonSerializable(typeof(SbomRecord))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class SbomJsonContext : JsonSerializerContext;
