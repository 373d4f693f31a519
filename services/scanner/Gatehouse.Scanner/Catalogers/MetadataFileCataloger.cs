using System.Text.Json;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers;

/// <summary>
/// Shared plumbing for catalogers that read captured metadata files one at a time: each file is parsed
/// on its own, and a file that fails becomes a problem report while the rest carry on. Subclasses only
/// say which files they want (<see cref="ICataloger.Select"/>) and how one file becomes packages.
/// </summary>
public abstract class MetadataFileCataloger : ICataloger
{
    public abstract string Name { get; }

    public abstract string Version { get; }

    public abstract FileInterest Select(FileCandidate file);

    public Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken)
    {
        var packages = new List<Package>();
        foreach (var file in context.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            packages.AddRange(ParseSafely(context, file.Path, file.LayerIndex, () => Parse(context, file)));
        }
        packages.AddRange(FromFindings(context));
        return Task.FromResult(Complete(packages));
    }

    /// <summary>A last look at everything this cataloger found in the image (e.g. to merge what two kinds of
    /// file say about the same package).</summary>
    protected virtual IReadOnlyList<Package> Complete(IReadOnlyList<Package> packages) => packages;

    /// <summary>The packages one captured file declares (none for files that only support others, such
    /// as a RECORD next to a METADATA). Throw <see cref="FormatException"/> (or let a JSON error
    /// through) for malformed content.</summary>
    protected abstract IEnumerable<Package> Parse(CatalogContext context, CapturedFile file);

    /// <summary>Packages from what a streaming analyzer (<see cref="IStreamingCataloger"/>) found while the
    /// layers streamed; see <see cref="CatalogContext.Findings"/>.</summary>
    protected virtual IEnumerable<Package> FromFindings(CatalogContext context) => [];

    /// <summary>Runs <paramref name="parse"/> to completion; malformed input or a parser bug becomes a
    /// problem for <paramref name="path"/> and no packages, never an exception.</summary>
    protected static IReadOnlyList<Package> ParseSafely(CatalogContext context, string path, int layerIndex, Func<IEnumerable<Package>> parse)
    {
        try
        {
            return [.. parse()];
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidDataException)
        {
            context.ReportProblem(path, e.Message, ProblemCodes.MalformedMetadata, layerIndex);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.ReportProblem(path, $"{e.GetType().Name}: {e.Message}", ProblemCodes.CatalogerFailed, layerIndex);
        }
        return [];
    }
}
