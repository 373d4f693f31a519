using Microsoft.Extensions.Options;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>Advisory data settings (section <c>Gatehouse:Scanner:Advisories</c>).</summary>
public sealed class AdvisoryDataOptions
{
    public const string Section = "Gatehouse:Scanner:Advisories";

    /// <summary>
    /// The advisory store (SQLite). Default: <c>advisories.db</c> in the user's local data folder
    /// (<c>~/.local/share/gatehouse/scanner/</c>). Opened read-only unless <see cref="Sources"/> are set; a missing
    /// file is created empty (matching then finds nothing until advisories are imported).
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Folders, <c>.zip</c> archives or http(s) OSV mirrors this replica imports from, every <see cref="SyncInterval"/>.</summary>
    public List<string> Sources { get; set; } = [];

    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Ecosystems a mirror sync fetches (e.g. <c>Debian</c>, <c>npm</c>); empty: the mirror's ecosystems.txt.</summary>
    public List<string> MirrorEcosystems { get; set; } = [];

    /// <summary>How often the store's data version is checked, to load a new snapshot when another process imported.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    public string ResolvedPath => string.IsNullOrWhiteSpace(Path) ? DefaultPath : System.IO.Path.GetFullPath(Path);

    public static string DefaultPath => System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "gatehouse", "scanner", "advisories.db");
}

internal sealed class AdvisoryDataOptionsValidator : IValidateOptions<AdvisoryDataOptions>
{
    public ValidateOptionsResult Validate(string? name, AdvisoryDataOptions options)
    {
        var errors = new List<string>();
        if (options.SyncInterval < TimeSpan.FromSeconds(1) || options.SyncInterval > TimeSpan.FromDays(7))
            errors.Add($"{AdvisoryDataOptions.Section}:SyncInterval must be between 1 second and 7 days (was {options.SyncInterval}).");
        if (options.RefreshInterval < TimeSpan.FromMilliseconds(100) || options.RefreshInterval > TimeSpan.FromHours(1))
            errors.Add($"{AdvisoryDataOptions.Section}:RefreshInterval must be between 100 ms and 1 hour (was {options.RefreshInterval}).");
        foreach (var source in options.Sources)
        {
            var isUrl = Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
            var isFile = !string.IsNullOrWhiteSpace(source) && (Directory.Exists(source)
                || (File.Exists(source) && source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)));
            if (!isUrl && !isFile)
                errors.Add($"{AdvisoryDataOptions.Section}:Sources: '{source}' is not an existing folder, an existing .zip archive or an http(s) URL.");
        }
        var path = options.ResolvedPath;
        if (Directory.Exists(path))
            errors.Add($"{AdvisoryDataOptions.Section}:Path '{path}' is a folder; give the store file.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
