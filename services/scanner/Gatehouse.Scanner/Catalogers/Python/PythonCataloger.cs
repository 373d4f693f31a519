using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Python;

/// <summary>
/// Installed Python distributions: <c>*.dist-info/METADATA</c> (wheels), <c>*.egg-info/PKG-INFO</c>,
/// <c>EGG-INFO/PKG-INFO</c> and single-file <c>*.egg-info</c> (setuptools). The <c>RECORD</c> next to a
/// METADATA lists the installed files. Purl names are PEP 503-normalized; the package name stays as declared.
/// </summary>
public sealed class PythonCataloger : MetadataFileCataloger
{
    public override string Name => "python";

    public override string Version => "1.0.0";

    public override FileInterest Select(FileCandidate file)
    {
        var name = file.FileName;
        var directory = PathMatch.FileName(PathMatch.Directory(file.Path));
        var inDistInfo = directory.EndsWith(".dist-info", StringComparison.OrdinalIgnoreCase);
        var inEggInfo = directory.EndsWith(".egg-info", StringComparison.OrdinalIgnoreCase) || directory.SequenceEqual("EGG-INFO");
        return (inDistInfo && (name.SequenceEqual("METADATA") || name.SequenceEqual("RECORD")))
            || (inEggInfo && name.SequenceEqual("PKG-INFO"))
            || name.EndsWith(".egg-info", StringComparison.OrdinalIgnoreCase)
            ? FileInterest.Content
            : FileInterest.None;
    }

    protected override IEnumerable<Package> Parse(CatalogContext context, CapturedFile file)
    {
        var name = PathMatch.FileName(file.Path);
        if (!name.SequenceEqual("METADATA") && !name.SequenceEqual("PKG-INFO") && !name.EndsWith(".egg-info", StringComparison.OrdinalIgnoreCase))
        {
            return []; // RECORD: read alongside its METADATA
        }
        var metadata = CoreMetadata.Parse(file.ReadText());
        var distribution = metadata.Get("Name") ?? throw new FormatException("core metadata has no Name");
        var version = metadata.Get("Version") ?? throw new FormatException("core metadata has no Version");
        var directory = PathMatch.Directory(file.Path).ToString();
        var record = name.SequenceEqual("METADATA") ? context.TryGetFile(directory.Length == 0 ? "RECORD" : $"{directory}/RECORD") : null;
        return
        [
            new Package
            {
                Name = distribution,
                Version = version,
                Type = "pypi",
                Purl = PackageUrl.Create("pypi", null, NormalizeName(distribution), version),
                Location = context.Locate(file),
                Licenses = metadata.Licenses(),
                Files = record is null ? [] : InstalledFiles.FromRecord(record.ReadText(), PathMatch.Directory(directory).ToString()),
            },
        ];
    }

    /// <summary>PEP 503: lower case, runs of <c>-</c>, <c>_</c> and <c>.</c> become one <c>-</c>.</summary>
    public static string NormalizeName(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        var pendingDash = false;
        foreach (var c in name.Trim())
        {
            if (c is '-' or '_' or '.')
            {
                pendingDash = sb.Length > 0;
                continue;
            }
            if (pendingDash)
            {
                sb.Append('-');
                pendingDash = false;
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
