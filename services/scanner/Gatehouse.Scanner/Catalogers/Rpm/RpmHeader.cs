using System.Buffers.Binary;
using System.Text;

namespace Gatehouse.Scanner.Catalogers.Rpm;

/// <summary>The fields of an rpm header the cataloger uses.</summary>
internal sealed record RpmPackageInfo(
    string Name,
    string Version,
    string Release,
    int? Epoch,
    string? Architecture,
    string? License,
    string? SourceRpm,
    string? Vendor,
    IReadOnlyList<string> Provides,
    IReadOnlyList<string> Requires,
    IReadOnlyList<string> Files)
{
    /// <summary><c>version-release</c>, the purl version.</summary>
    public string FullVersion => Release.Length == 0 ? Version : $"{Version}-{Release}";

    public (string, int?, string, string?) Key => (Name, Epoch, FullVersion, Architecture);
}

/// <summary>
/// Reads an rpm header blob as rpmdb stores it (rpm ≥ 4.16 sqlite <c>Packages.blob</c>): big-endian index
/// count and data length, 16-byte index entries (tag, type, offset, count), then the data store. Every offset
/// is bounds-checked; a malformed header raises <see cref="FormatException"/>.
/// </summary>
internal static class RpmHeader
{
    private const int TagName = 1000;
    private const int TagVersion = 1001;
    private const int TagRelease = 1002;
    private const int TagEpoch = 1003;
    private const int TagVendor = 1011;
    private const int TagLicense = 1014;
    private const int TagArch = 1022;
    private const int TagSourceRpm = 1044;
    private const int TagProvideName = 1047;
    private const int TagRequireName = 1049;
    private const int TagDirIndexes = 1116;
    private const int TagBaseNames = 1117;
    private const int TagDirNames = 1118;

    private const int TypeInt32 = 4;
    private const int TypeString = 6;
    private const int TypeStringArray = 8;
    private const int TypeI18nString = 9;

    // rpm itself refuses headers beyond these (HEADER_TAGS_MAX, HEADER_DATA_MAX).
    private const int MaxIndexEntries = 0xFFFF;
    private const int MaxDataLength = 256 * 1024 * 1024;

    public static RpmPackageInfo Parse(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 8)
        {
            throw new FormatException($"header of {blob.Length} bytes is too short");
        }
        var indexCount = BinaryPrimitives.ReadInt32BigEndian(blob);
        var dataLength = BinaryPrimitives.ReadInt32BigEndian(blob[4..]);
        if (indexCount is <= 0 or > MaxIndexEntries || dataLength is < 0 or > MaxDataLength || 8L + indexCount * 16L + dataLength > blob.Length)
        {
            throw new FormatException($"header declares {indexCount} entries and {dataLength} data bytes in a blob of {blob.Length}");
        }
        var index = blob.Slice(8, indexCount * 16);
        var data = blob.Slice(8 + indexCount * 16, dataLength);
        var fields = new Dictionary<int, (int Type, int Offset, int Count)>();
        for (var i = 0; i < indexCount; i++)
        {
            var entry = index.Slice(i * 16, 16);
            var tag = BinaryPrimitives.ReadInt32BigEndian(entry);
            var type = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            var count = BinaryPrimitives.ReadInt32BigEndian(entry[12..]);
            if (offset < 0 || offset > dataLength || count < 0)
            {
                throw new FormatException($"tag {tag} points outside the data store");
            }
            fields.TryAdd(tag, (type, offset, count));
        }

        var name = String(fields, data, TagName) ?? throw new FormatException("header has no NAME");
        var dirNames = Strings(fields, data, TagDirNames);
        var dirIndexes = Int32s(fields, data, TagDirIndexes);
        var baseNames = Strings(fields, data, TagBaseNames);
        var files = new List<string>(baseNames.Count);
        for (var i = 0; i < baseNames.Count && i < dirIndexes.Count; i++)
        {
            var dir = dirIndexes[i] >= 0 && dirIndexes[i] < dirNames.Count ? dirNames[dirIndexes[i]] : "";
            files.Add((dir + baseNames[i]).TrimStart('/'));
        }
        var epochs = Int32s(fields, data, TagEpoch);
        return new RpmPackageInfo(
            name,
            String(fields, data, TagVersion) ?? "",
            String(fields, data, TagRelease) ?? "",
            epochs.Count > 0 ? epochs[0] : null,
            String(fields, data, TagArch),
            String(fields, data, TagLicense),
            String(fields, data, TagSourceRpm),
            String(fields, data, TagVendor),
            Strings(fields, data, TagProvideName),
            Strings(fields, data, TagRequireName).Where(r => !r.StartsWith("rpmlib(", StringComparison.Ordinal)).ToList(),
            files);
    }

    private static string? String(Dictionary<int, (int Type, int Offset, int Count)> fields, ReadOnlySpan<byte> data, int tag)
    {
        if (!fields.TryGetValue(tag, out var field))
        {
            return null;
        }
        if (field.Type is not (TypeString or TypeStringArray or TypeI18nString))
        {
            throw new FormatException($"tag {tag} has type {field.Type}, not a string");
        }
        return ReadString(data, field.Offset, out _);
    }

    private static List<string> Strings(Dictionary<int, (int Type, int Offset, int Count)> fields, ReadOnlySpan<byte> data, int tag)
    {
        var result = new List<string>();
        if (!fields.TryGetValue(tag, out var field))
        {
            return result;
        }
        if (field.Type is not (TypeStringArray or TypeString or TypeI18nString))
        {
            throw new FormatException($"tag {tag} has type {field.Type}, not a string array");
        }
        var offset = field.Offset;
        var count = field.Type == TypeString ? 1 : field.Count;
        for (var i = 0; i < count; i++)
        {
            result.Add(ReadString(data, offset, out var next));
            offset = next;
        }
        return result;
    }

    private static List<int> Int32s(Dictionary<int, (int Type, int Offset, int Count)> fields, ReadOnlySpan<byte> data, int tag)
    {
        var result = new List<int>();
        if (!fields.TryGetValue(tag, out var field))
        {
            return result;
        }
        if (field.Type != TypeInt32 || (long)field.Offset + field.Count * 4L > data.Length)
        {
            throw new FormatException($"tag {tag} is not an in-bounds INT32 array");
        }
        for (var i = 0; i < field.Count; i++)
        {
            result.Add(BinaryPrimitives.ReadInt32BigEndian(data[(field.Offset + i * 4)..]));
        }
        return result;
    }

    private static string ReadString(ReadOnlySpan<byte> data, int offset, out int next)
    {
        if (offset >= data.Length)
        {
            throw new FormatException("string offset outside the data store");
        }
        var end = data[offset..].IndexOf((byte)0);
        if (end < 0)
        {
            throw new FormatException("unterminated string in the data store");
        }
        next = offset + end + 1;
        return Encoding.UTF8.GetString(data.Slice(offset, end));
    }
}
