using System.Text;
using Gatehouse.Oci;
using Gatehouse.Oci.Layout;

namespace Gatehouse.Cli.Commands;

/// <summary>A small but real image the demo builds itself: a Debian-like base layer and an application layer.</summary>
public static class DemoImage
{
    public const string Repository = "demo/app";
    public const string Tag = "1.0";

    public static Task<BuiltImage> WriteAsync(string layoutDirectory, CancellationToken ct)
    {
        var builder = new OciImageLayoutBuilder()
            .WithLabel("org.opencontainers.image.title", "gatehouse-demo")
            .WithCmd("/usr/bin/demo")
            .AddLayer(Files(
                ("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"),
                ("etc/debian_version", "12.7\n"),
                ("var/lib/dpkg/status", DpkgStatus)), "debootstrap --variant=minbase bookworm")
            .AddLayer(Files(
                ("usr/bin/demo", "#!/bin/sh\necho demo\n"),
                ("opt/app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.20\",\"license\":\"MIT\"}\n")),
                "COPY app /opt/app");
        return builder.WriteToLayoutAsync(layoutDirectory, Tag, ct);
    }

    private static Dictionary<string, byte[]> Files(params (string Path, string Text)[] files) =>
        files.ToDictionary(f => f.Path, f => Encoding.UTF8.GetBytes(f.Text), StringComparer.Ordinal);

    private const string DpkgStatus = """
        Package: libc6
        Status: install ok installed
        Priority: optional
        Architecture: amd64
        Multi-Arch: same
        Source: glibc
        Version: 2.36-9+deb12u7
        Description: GNU C Library: Shared libraries

        Package: libssl3
        Status: install ok installed
        Architecture: amd64
        Source: openssl
        Version: 3.0.11-1~deb12u2
        Depends: libc6 (>= 2.34)
        Description: Secure Sockets Layer toolkit - shared libraries

        Package: openssl
        Status: install ok installed
        Architecture: amd64
        Version: 3.0.11-1~deb12u2
        Depends: libc6 (>= 2.34), libssl3 (>= 3.0.9)
        Description: Secure Sockets Layer toolkit - cryptographic utility

        """;
}
