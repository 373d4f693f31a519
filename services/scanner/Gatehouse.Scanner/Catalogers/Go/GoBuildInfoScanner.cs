using System.Buffers.Binary;
using System.Text;

namespace Gatehouse.Scanner.Catalogers.Go;

/// <summary>
/// Finds Go build info in an executable read forward once (no seeking, bounded memory), as the layer
/// streams. The linker writes a 32-byte header starting <c>\xff Go buildinf:</c>, then pointer size and
/// flags. Go 1.18+ (flag 2) inlines the version and module info as varint-prefixed strings right after
/// the header. Older binaries hold two pointers to Go string headers; those are resolved through the
/// ELF PT_LOAD segments, with the string bytes (which lie earlier, in .rodata) recognised as they pass:
/// the module info by its 16-byte sentinels, the version by its <c>go1.</c> prefix.
/// </summary>
public sealed class GoBuildInfoScanner(int chunkSize = 1 << 16)
{
    private const int MaxStringBytes = 4 * 1024 * 1024;
    private const int HeadersWindow = 4096;
    private const int MaxSentinelBlockBytes = 1024 * 1024;
    private static readonly byte[] Magic = [0xff, .. " Go buildinf:"u8.ToArray()];
    private static readonly byte[] InfoStart = Convert.FromHexString("3077af0c9274080241e1c107e6d618e6");
    private static readonly byte[] InfoEnd = Convert.FromHexString("f932433186182072008242104116d8f2");
    private static readonly byte[] VersionPrefix = "go1."u8.ToArray();

    public async ValueTask<GoBuildInfo?> ScanAsync(Stream stream, CancellationToken cancellationToken)
    {
        var state = new ScanState();
        // The first window holds at least the ELF and program headers whatever the chunk size.
        var buffer = new byte[Math.Max(chunkSize, HeadersWindow) + 64];
        var length = await stream.ReadAtLeastAsync(buffer.AsMemory(0, HeadersWindow), HeadersWindow, throwOnEndOfStream: false, cancellationToken);
        if (!state.ReadHeaders(buffer.AsSpan(0, length)))
        {
            return null; // not an executable format we know
        }
        long position = 0; // file offset of buffer[0]
        while (length > 0)
        {
            state.Observe(buffer.AsSpan(0, length), position);
            if (state.Result is { } result)
            {
                return result;
            }
            // Keep a tail so patterns split across reads are still seen.
            var carry = Math.Min(63, length);
            Array.Copy(buffer, length - carry, buffer, 0, carry);
            position += length - carry;
            var read = await stream.ReadAsync(buffer.AsMemory(carry, chunkSize), cancellationToken);
            length = read == 0 ? 0 : carry + read;
        }
        return state.Finish();
    }

    /// <summary>Everything remembered while the bytes go by.</summary>
    private sealed class ScanState
    {
        private readonly List<(ulong VirtualAddress, long Offset, long Size)> _segments = [];
        private readonly List<Capture> _captures = [];
        private readonly Dictionary<long, string> _versions = [];
        private Capture? _header;
        private Capture? _inline;
        private Capture? _modInfoBlock;
        private (Capture Version, Capture ModInfo, int PointerSize, bool BigEndian)? _pointers;
        private long _lastMagic = -1;
        private long _lastInfoStart = -1;

        public GoBuildInfo? Result { get; private set; }

        /// <summary>ELF (segments read for the old format), Mach-O or PE (inline format only).</summary>
        public bool ReadHeaders(ReadOnlySpan<byte> start)
        {
            if (start.Length < 4)
            {
                return false;
            }
            if (start.StartsWith("\x7fELF"u8))
            {
                ReadElfSegments(start);
                return true;
            }
            var magic = BinaryPrimitives.ReadUInt32LittleEndian(start);
            return start.StartsWith("MZ"u8) || magic is 0xfeedface or 0xfeedfacf or 0xcefaedfe or 0xcffaedfe;
        }

        public void Observe(ReadOnlySpan<byte> window, long position)
        {
            foreach (var capture in _captures)
            {
                capture.Feed(window, position);
            }
            foreach (var offset in FindAll(window, position, Magic, ref _lastMagic))
            {
                _header ??= Track(new Capture(offset, 32 + 20), window, position);
            }
            if (_modInfoBlock is null && FindAll(window, position, InfoStart, ref _lastInfoStart) is [var blockStart, ..])
            {
                _modInfoBlock = Track(new Capture(blockStart, MaxSentinelBlockBytes), window, position);
            }
            RememberVersionStrings(window, position);
            // Each step may ask for bytes already in this window (a header right after the magic).
            for (var step = 0; step < 4 && Result is null; step++)
            {
                Advance(window, position);
            }
        }

        public GoBuildInfo? Finish()
        {
            if (Result is not null || _pointers is null || ModInfoFromBlock() is not { } modInfo)
            {
                return Result;
            }
            // Old format whose version string could not be placed: the modules are still worth reporting.
            return GoBuildInfo.FromModInfo("", modInfo);
        }

        private void Advance(ReadOnlySpan<byte> window, long position)
        {
            if (Result is not null || _header is not { IsComplete: true } header)
            {
                return;
            }
            var bytes = header.Bytes;
            var pointerSize = bytes[14];
            var flags = bytes[15];
            if ((flags & 2) != 0)
            {
                AdvanceInline(header, window, position);
                return;
            }
            if (pointerSize is not (4 or 8))
            {
                return;
            }
            var bigEndian = (flags & 1) != 0;
            if (_pointers is null)
            {
                var versionHeader = Map(ReadPointer(bytes.AsSpan(16), pointerSize, bigEndian));
                var modHeader = Map(ReadPointer(bytes.AsSpan(16 + pointerSize), pointerSize, bigEndian));
                if (versionHeader is null || modHeader is null)
                {
                    return;
                }
                _pointers = (Track(new Capture(versionHeader.Value, 2 * pointerSize), window, position),
                    Track(new Capture(modHeader.Value, 2 * pointerSize), window, position), pointerSize, bigEndian);
            }
            var (version, mod, size, big) = _pointers.Value;
            if (!version.IsComplete || !mod.IsComplete)
            {
                return;
            }
            var versionOffset = Map(ReadPointer(version.Bytes, size, big));
            var versionLength = (int)Math.Min(ReadPointer(version.Bytes.AsSpan(size), size, big), 64);
            var goVersion = versionOffset is { } at && _versions.TryGetValue(at, out var seen) && seen.Length >= versionLength ? seen[..versionLength] : "";
            if (goVersion.Length > 0 && ModInfoFromBlock() is { } modInfo)
            {
                Result = GoBuildInfo.FromModInfo(goVersion, modInfo);
            }
        }

        private void AdvanceInline(Capture header, ReadOnlySpan<byte> window, long position)
        {
            var afterHeader = header.Bytes.AsSpan(32);
            if (!TryVarint(afterHeader, out var versionLength, out var used) || versionLength > MaxStringBytes)
            {
                return;
            }
            if (_inline is null)
            {
                // Version, then the module info's length prefix; grown once that length is known.
                _inline = Track(new Capture(header.Start + 32, used + (int)versionLength + 10), window, position);
                return;
            }
            if (!_inline.IsComplete)
            {
                return;
            }
            var inline = _inline.Bytes.AsSpan();
            var goVersion = Encoding.UTF8.GetString(inline.Slice(used, (int)versionLength));
            var rest = inline[(used + (int)versionLength)..];
            if (!TryVarint(rest, out var modLength, out var modUsed) || modLength > MaxStringBytes)
            {
                return;
            }
            var total = used + (int)versionLength + modUsed + (int)modLength;
            if (_inline.Length < total)
            {
                _inline = Track(new Capture(_inline.Start, total), window, position, replaces: _inline);
                return;
            }
            var modInfo = Encoding.UTF8.GetString(inline.Slice(used + (int)versionLength + modUsed, (int)modLength));
            Result = GoBuildInfo.FromModInfo(goVersion, StripSentinels(modInfo));
        }

        private string? ModInfoFromBlock()
        {
            if (_modInfoBlock is null)
            {
                return null;
            }
            var bytes = _modInfoBlock.Bytes.AsSpan(0, _modInfoBlock.Filled);
            var end = bytes.IndexOf(InfoEnd);
            return end < 16 ? null : Encoding.UTF8.GetString(bytes[16..end]);
        }

        private static string StripSentinels(string modInfo) =>
            modInfo.Length >= 33 && modInfo[^17] == '\n' ? modInfo[16..^16] : "";

        private void RememberVersionStrings(ReadOnlySpan<byte> window, long position)
        {
            for (var index = window.IndexOf(VersionPrefix); index >= 0 && _versions.Count < 10_000;)
            {
                var end = index;
                while (end < window.Length && end - index < 40 && window[end] is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'z') or (byte)'.' or (byte)'-')
                {
                    end++;
                }
                _versions.TryAdd(position + index, Encoding.ASCII.GetString(window[index..end]));
                var next = window[(index + 1)..].IndexOf(VersionPrefix);
                index = next < 0 ? -1 : index + 1 + next;
            }
        }

        private void ReadElfSegments(ReadOnlySpan<byte> elf)
        {
            var is64 = elf.Length > 4 && elf[4] == 2;
            var bigEndian = elf.Length > 5 && elf[5] == 2;
            if (elf.Length < (is64 ? 64 : 52))
            {
                return;
            }
            var headerOffset = (long)(is64 ? Read(elf[0x20..], 8, bigEndian) : Read(elf[0x1c..], 4, bigEndian));
            var entrySize = (int)Read(elf[(is64 ? 0x36 : 0x2a)..], 2, bigEndian);
            var count = (int)Read(elf[(is64 ? 0x38 : 0x2c)..], 2, bigEndian);
            for (var i = 0; i < count && headerOffset + ((i + 1) * (long)entrySize) <= elf.Length; i++)
            {
                var entry = elf[(int)(headerOffset + (i * entrySize))..];
                if (Read(entry, 4, bigEndian) != 1)
                {
                    continue; // PT_LOAD only
                }
                var offset = is64 ? Read(entry[8..], 8, bigEndian) : Read(entry[4..], 4, bigEndian);
                var address = is64 ? Read(entry[16..], 8, bigEndian) : Read(entry[8..], 4, bigEndian);
                var size = is64 ? Read(entry[32..], 8, bigEndian) : Read(entry[16..], 4, bigEndian);
                _segments.Add((address, (long)offset, (long)size));
            }
        }

        private long? Map(ulong address)
        {
            foreach (var (virtualAddress, offset, size) in _segments)
            {
                if (address >= virtualAddress && address - virtualAddress < (ulong)size)
                {
                    return offset + (long)(address - virtualAddress);
                }
            }
            return null;
        }

        /// <summary>Registers a capture and feeds it what the current window already holds.</summary>
        private Capture Track(Capture capture, ReadOnlySpan<byte> window, long position, Capture? replaces = null)
        {
            if (replaces is not null)
            {
                _captures.Remove(replaces);
                capture.CopyFrom(replaces);
            }
            _captures.Add(capture);
            capture.Feed(window, position);
            return capture;
        }

        /// <summary>Offsets of <paramref name="pattern"/> not reported before (windows overlap by a tail).</summary>
        private static List<long> FindAll(ReadOnlySpan<byte> window, long position, byte[] pattern, ref long last)
        {
            var found = new List<long>();
            for (var from = 0; from < window.Length;)
            {
                var index = window[from..].IndexOf(pattern);
                if (index < 0)
                {
                    break;
                }
                var offset = position + from + index;
                if (offset > last)
                {
                    last = offset;
                    found.Add(offset);
                }
                from += index + 1;
            }
            return found;
        }

        private static ulong ReadPointer(ReadOnlySpan<byte> bytes, int size, bool bigEndian) => Read(bytes, size, bigEndian);

        private static ulong Read(ReadOnlySpan<byte> bytes, int size, bool bigEndian) => (size, bigEndian) switch
        {
            (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            (2, true) => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            (4, true) => BinaryPrimitives.ReadUInt32BigEndian(bytes),
            (8, false) => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64BigEndian(bytes),
        };

        private static bool TryVarint(ReadOnlySpan<byte> bytes, out ulong value, out int used)
        {
            value = 0;
            for (used = 0; used < Math.Min(bytes.Length, 10); used++)
            {
                value |= (ulong)(bytes[used] & 0x7f) << (7 * used);
                if ((bytes[used] & 0x80) == 0)
                {
                    used++;
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Collects the bytes of one file range as the stream passes it.</summary>
    private sealed class Capture(long start, int length)
    {
        public long Start { get; } = start;

        public int Length { get; } = length;

        public byte[] Bytes { get; } = new byte[length];

        public int Filled { get; private set; }

        public bool IsComplete => Filled == Length;

        public void Feed(ReadOnlySpan<byte> window, long position)
        {
            var from = Start + Filled;
            if (IsComplete || from < position || from >= position + window.Length)
            {
                return;
            }
            var count = (int)Math.Min(Length - Filled, position + window.Length - from);
            window.Slice((int)(from - position), count).CopyTo(Bytes.AsSpan(Filled));
            Filled += count;
        }

        public void CopyFrom(Capture other)
        {
            var count = Math.Min(other.Filled, Length);
            other.Bytes.AsSpan(0, count).CopyTo(Bytes);
            Filled = count;
        }
    }
}
