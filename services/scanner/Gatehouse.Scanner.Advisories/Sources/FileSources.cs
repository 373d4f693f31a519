using System.IO.Compression;
using System.Runtime.CompilerServices;
using Gatehouse.Scanner.Advisories.Osv;

namespace Gatehouse.Scanner.Advisories.Sources;

// A folder of OSV JSON files (any depth), plus any per-ecosystem all.zip archives inside it
// (the layout of an offline osv.dev download). Files are read in ordinal path order so an
// import is deterministic.
public sealed class OsvDirectorySource : IAdvisorySource
{
    public string Name => "osv-directory";

    public string Version => "1";

    public bool CanRead(string location) => Directory.Exists(location);

    public async IAsyncEnumerable<AdvisoryDocument> ReadAsync(string location, ImportContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string root = Path.GetFullPath(location);
        IEnumerable<string> files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (string file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                foreach (AdvisoryDocument document in OsvZipSource.ReadArchive(file, file, context, cancellationToken))
                {
                    yield return document;
                }

                continue;
            }

            byte[]? content = null;
            string? error = null;
            try
            {
                content = await File.ReadAllBytesAsync(file, cancellationToken);
            }
            catch (IOException e)
            {
                error = "cannot read file: " + e.Message;
            }
            catch (UnauthorizedAccessException e)
            {
                error = "cannot read file: " + e.Message;
            }

            yield return new AdvisoryDocument(root, Path.GetRelativePath(root, file), content ?? [], error);
        }
    }
}

// An osv.dev-style archive of OSV JSON files, read entry by entry: one record in memory at a time.
public sealed class OsvZipSource : IAdvisorySource
{
    public string Name => "osv-zip";

    public string Version => "1";

    public bool CanRead(string location) =>
        location.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && File.Exists(location);

    public IAsyncEnumerable<AdvisoryDocument> ReadAsync(string location, ImportContext context, CancellationToken cancellationToken) =>
        ReadArchive(location, Path.GetFullPath(location), context, cancellationToken).ToAsyncEnumerable();

    // A corrupt archive is a source problem (reported), not a failed import; a corrupt or
    // oversized entry is an unreadable document (counted).
    internal static IEnumerable<AdvisoryDocument> ReadArchive(string path, string container, ImportContext context, CancellationToken cancellationToken)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            context.ReportProblem(container, "not a readable zip archive: " + e.Message);
            yield break;
        }

        using (archive)
        {
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.FullName.EndsWith('/') || !entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                yield return ReadEntry(entry, container);
            }
        }
    }

    private static AdvisoryDocument ReadEntry(ZipArchiveEntry entry, string container)
    {
        if (entry.Length > OsvReader.MaxDocumentBytes)
        {
            return new AdvisoryDocument(container, entry.FullName, ReadOnlyMemory<byte>.Empty, $"entry is {entry.Length} bytes, over the {OsvReader.MaxDocumentBytes}-byte limit");
        }

        try
        {
            byte[] content = new byte[entry.Length];
            using Stream stream = entry.Open();
            stream.ReadExactly(content);
            return new AdvisoryDocument(container, entry.FullName, content);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
        {
            return new AdvisoryDocument(container, entry.FullName, ReadOnlyMemory<byte>.Empty, "corrupt archive entry: " + e.Message);
        }
    }
}
