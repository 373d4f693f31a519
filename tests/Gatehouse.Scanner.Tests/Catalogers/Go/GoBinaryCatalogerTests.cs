using System.Buffers.Binary;
using System.Text;
using Gatehouse.Scanner.Catalogers.Go;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Tests.Catalogers.Go;

/// <summary>No Go toolchain here: binaries are built by hand following the linker's layout
/// (cmd/link's buildinfo header, debug/buildinfo's reader) inside a minimal ELF64.</summary>
public sealed class GoBinaryCatalogerTests
{
    private const string ModInfo =
        "path\texample.com/app/cmd/server\n" +
        "mod\texample.com/app\t(devel)\t\n" +
        "dep\tgithub.com/google/uuid\tv1.6.0\th1:uuid=\n" +
        "dep\tgolang.org/x/net\tv0.20.0\th1:old=\n" +
        "=>\tgolang.org/x/net\tv0.23.0\th1:new=\n" +
        "build\tGOOS=linux\n" +
        "build\tGOARCH=amd64\n" +
        "build\tvcs.revision=deadbeef\n";

    private static readonly byte[] InfoStart = Convert.FromHexString("3077af0c9274080241e1c107e6d618e6");
    private static readonly byte[] InfoEnd = Convert.FromHexString("f932433186182072008242104116d8f2");

    [Theory]
    [InlineData(64)]
    [InlineData(1 << 16)]
    public async Task Reads_the_go_1_18_inline_format_across_read_boundaries(int chunkSize)
    {
        var info = await Scan(InlineBinary("go1.22.4", ModInfo), chunkSize);
        Assert.NotNull(info);
        Assert.Equal("go1.22.4", info.GoVersion);
        Assert.Equal("example.com/app/cmd/server", info.MainPath);
        Assert.Equal(new GoModule("example.com/app", "(devel)", null), info.Main);
        Assert.Equal([new("github.com/google/uuid", "v1.6.0", "h1:uuid="), new("golang.org/x/net", "v0.23.0", "h1:new=")], info.Dependencies);
        Assert.Equal("deadbeef", info.Settings["vcs.revision"]);
    }

    [Theory]
    [InlineData(48)]
    [InlineData(1 << 16)]
    public async Task Reads_the_old_pointer_format_through_elf_load_segments(int chunkSize)
    {
        var info = await Scan(PointerBinary("go1.16.15", ModInfo), chunkSize);
        Assert.NotNull(info);
        Assert.Equal("go1.16.15", info.GoVersion);
        Assert.Equal("example.com/app", info.Main!.Path);
        Assert.Equal(2, info.Dependencies.Count);
    }

    [Fact]
    public async Task Non_go_and_truncated_files_give_nothing()
    {
        Assert.Null(await Scan(Encoding.ASCII.GetBytes("#!/bin/sh\necho hello\n" + new string(' ', 2000)), 1 << 16));
        Assert.Null(await Scan(Elf(new byte[4096]), 1 << 16));
        var whole = InlineBinary("go1.22.4", ModInfo);
        Assert.Null(await Scan(whole[..(0x1000 + 60)], 1 << 16)); // ends inside the module info
    }

    [Fact]
    public void Build_info_becomes_main_application_modules_and_stdlib_with_edges()
    {
        var info = GoBuildInfo.FromModInfo("go1.22.4", ModInfo);
        var location = new PackageLocation("usr/local/bin/server", 1, "sha256:l1", "sha256:d1");
        var packages = GoBinaryCataloger.Packages(location, info);
        var main = packages.Single(p => p.Name == "example.com/app");
        Assert.Equal("pkg:golang/example.com/app@%28devel%29", main.Purl);
        Assert.Equal("application", main.Properties["gatehouse:role"]);
        Assert.Equal("linux", main.Properties["golang:build:GOOS"]);
        var net = packages.Single(p => p.Name == "golang.org/x/net");
        Assert.Equal(("v0.23.0", "pkg:golang/golang.org/x/net@v0.23.0"), (net.Version, net.Purl));
        var stdlib = packages.Single(p => p.Name == "stdlib");
        Assert.Equal(("go1.22.4", "pkg:golang/stdlib@1.22.4"), (stdlib.Version, stdlib.Purl));
        Assert.Equal(packages.Where(p => p != main).Select(p => p.Id).Order(StringComparer.Ordinal), main.DependsOn);
        Assert.All(packages, p => Assert.Equal("go1.22.4", p.Properties["golang:goVersion"]));
        Assert.All(packages, p => Assert.Equal(location, p.Location));
    }

    [Fact]
    public void Only_executables_are_streamed()
    {
        var cataloger = new GoBinaryCataloger();
        Assert.True(cataloger.SelectForStreaming(new FileCandidate("usr/local/bin/server", 5000, UnixFileMode.UserExecute | UnixFileMode.UserRead, 0)));
        Assert.False(cataloger.SelectForStreaming(new FileCandidate("usr/share/doc/readme", 5000, UnixFileMode.UserRead, 0)));
    }

    private static async Task<GoBuildInfo?> Scan(byte[] binary, int chunkSize)
    {
        using var stream = new MemoryStream(binary);
        return await new GoBuildInfoScanner(chunkSize).ScanAsync(stream, CancellationToken.None);
    }

    private static byte[] Framed(string modInfo) => [.. InfoStart, .. Encoding.UTF8.GetBytes(modInfo), .. InfoEnd];

    private static byte[] InlineBinary(string version, string modInfo)
    {
        var blob = new List<byte>(Header(pointerSize: 8, flags: 2));
        AppendVarintString(blob, Encoding.UTF8.GetBytes(version));
        AppendVarintString(blob, Framed(modInfo));
        var file = Elf(new byte[0x3000]);
        blob.ToArray().CopyTo(file, 0x1000);
        return file;
    }

    /// <summary>Go before 1.18: the header points (virtual addresses) at two Go string headers in .data,
    /// whose data pointers lead back to .rodata. One PT_LOAD maps the whole file at 0x400000.</summary>
    private static byte[] PointerBinary(string version, string modInfo)
    {
        const ulong Base = 0x400000;
        var file = Elf(new byte[0x3000], loadSize: 0x3000, loadAddress: Base);
        var framed = Framed(modInfo);
        Encoding.ASCII.GetBytes(version + "runtime.main").CopyTo(file, 0x100); // strings are packed, not terminated
        framed.CopyTo(file, 0x200);
        var header = Header(pointerSize: 8, flags: 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), Base + 0x1100);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), Base + 0x1110);
        header.CopyTo(file, 0x1000);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x1100), Base + 0x100);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x1108), (ulong)version.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x1110), Base + 0x200);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x1118), (ulong)framed.Length);
        return file;
    }

    private static byte[] Header(byte pointerSize, byte flags)
    {
        var header = new byte[32];
        header[0] = 0xff;
        " Go buildinf:"u8.CopyTo(header.AsSpan(1));
        header[14] = pointerSize;
        header[15] = flags;
        return header;
    }

    /// <summary>A little-endian ELF64 header with, optionally, one PT_LOAD program header right after it.</summary>
    private static byte[] Elf(byte[] file, int loadSize = 0, ulong loadAddress = 0)
    {
        "\x7fELF"u8.CopyTo(file);
        file[4] = 2; // 64-bit
        file[5] = 1; // little-endian
        if (loadSize > 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x20), 64); // e_phoff
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x36), 56); // e_phentsize
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x38), 1); // e_phnum
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(64), 1); // PT_LOAD
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(64 + 8), 0); // p_offset
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(64 + 16), loadAddress); // p_vaddr
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(64 + 32), (ulong)loadSize); // p_filesz
        }
        return file;
    }

    private static void AppendVarintString(List<byte> into, byte[] value)
    {
        for (var length = (ulong)value.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                into.Add((byte)length);
                break;
            }
            into.Add((byte)(length | 0x80));
        }
        into.AddRange(value);
    }
}
