using Microsoft.Extensions.Options;

namespace Gatehouse.Scanner.Vex;

/// <summary>VEX settings (section <c>Gatehouse:Scanner:Vex</c>).</summary>
public sealed class VexOptions
{
    public const string Section = "Gatehouse:Scanner:Vex";

    /// <summary>OpenVEX or CycloneDX VEX files, or folders of them (<c>*.json</c>, any depth), applied to every image.</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>
    /// Read VEX documents attached to an image as OCI referrers when its SBOM is matched. Whoever may push to the
    /// repository may attach them, and every suppression names its source; turn this off where push rights are broad.
    /// </summary>
    public bool Referrers { get; set; } = true;
}

internal sealed class VexOptionsValidator : IValidateOptions<VexOptions>
{
    public ValidateOptionsResult Validate(string? name, VexOptions options)
    {
        var missing = options.Paths.Where(p => string.IsNullOrWhiteSpace(p) || !(File.Exists(p) || Directory.Exists(p))).ToList();
        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{VexOptions.Section}:Paths: no such file or folder: {string.Join(", ", missing.Select(p => $"'{p}'"))}.");
    }
}
