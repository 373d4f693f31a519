using System.IO.Compression;
using System.Text;
using Gatehouse.Scanner.Catalogers.Java;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Tests.Catalogers.Java;

public sealed class JavaArchiveCatalogerTests
{
    private readonly JavaArchiveCataloger _cataloger = new(maxNestedDepth: 2);

    public static TheoryData<string> Fixtures() => LanguageFixtures.Fixtures("java");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Expected_packages_tsv_rows(string fixture)
    {
        Assert.Equal(LanguageFixtures.Expected(fixture), LanguageFixtures.Catalog(_cataloger, fixture));
    }

    [Theory]
    [InlineData("opt/app/lib/commons-lang3-3.12.0.jar", true)]
    [InlineData("usr/local/tomcat/webapps/ROOT.WAR", true)]
    [InlineData("opt/app/lib/readme.txt", false)]
    public void Streams_archives(string path, bool expected)
    {
        Assert.Equal(expected, _cataloger.SelectForStreaming(new FileCandidate(path, 100, UnixFileMode.UserRead, 0)));
    }

    [Fact]
    public void Selects_exploded_archive_metadata()
    {
        Assert.Equal(FileInterest.Content, _cataloger.Select(new FileCandidate("app/META-INF/MANIFEST.MF", 1, UnixFileMode.UserRead, 0)));
        Assert.Equal(FileInterest.Content, _cataloger.Select(new FileCandidate("app/META-INF/maven/g/a/pom.properties", 1, UnixFileMode.UserRead, 0)));
        Assert.Equal(FileInterest.None, _cataloger.Select(new FileCandidate("app/pom.properties", 1, UnixFileMode.UserRead, 0)));
    }

    [Fact]
    public void Manifest_continuation_lines_join_and_jenkins_names_apply()
    {
        var run = LanguageFixtures.Catalog(_cataloger, ("app/META-INF/MANIFEST.MF",
            "Manifest-Version: 1.0\r\nShort-Name: gra\r\n dle\r\nGroup-Id: org.jenkins-ci.plugins\r\nPlugin-Version: 2.11\r\n\r\nName: section\r\nX: y\r\n"));
        var package = Assert.Single(run.Packages);
        Assert.Equal(("gradle", "2.11", "pkg:maven/org.jenkins-ci.plugins/gradle@2.11"), (package.Name, package.Version, package.Purl));
    }

    [Fact]
    public async Task A_war_yields_its_own_pom_and_nested_jars_by_pom_manifest_or_bare_file_name()
    {
        var inner = Zip(("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nBundle-SymbolicName: com.fasterxml.jackson.core.jackson-core;singleton:=true\nImplementation-Vendor-Id: com.fasterxml.jackson.core\nBundle-Version: 2.15.2\nBundle-License: Apache-2.0\n"));
        var noManifest = Zip(("org/apache/commons/io/IOUtils.class", "\u00ca\u00fe"));
        var unnamed = Zip(("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"));
        var war = Zip(
            ("META-INF/MANIFEST.MF", Encoding.UTF8.GetBytes("Manifest-Version: 1.0\n")),
            ("META-INF/maven/org.example/shop/pom.properties", Encoding.UTF8.GetBytes("groupId=org.example\nartifactId=shop\nversion=1.4.0\n")),
            ("WEB-INF/lib/jackson-core-2.15.2.jar", inner),
            ("WEB-INF/lib/commons-io-2.11.0.jar", noManifest),
            ("WEB-INF/lib/unnamed-1.0.jar", unnamed));
        var finding = await Analyze("srv/shop-1.4.0.war", war);
        Assert.Empty(finding.Problems);
        Assert.Equal(
            [
                ("com.fasterxml.jackson.core.jackson-core", "2.15.2", "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2"),
                ("commons-io", "2.11.0", "pkg:maven/commons-io/commons-io@2.11.0"),
                ("org.example:shop", "1.4.0", "pkg:maven/org.example/shop@1.4.0"),
            ],
            finding.Packages.Select(p => (p.Name, p.Version, p.Purl)).OrderBy(p => p.Name, StringComparer.Ordinal));
        Assert.Equal("shop-1.4.0.war:WEB-INF/lib/jackson-core-2.15.2.jar", finding.Packages.Single(p => p.Version == "2.15.2").VirtualPath);
        Assert.Equal(["Apache-2.0"], finding.Packages.Single(p => p.Version == "2.15.2").Licenses);
    }

    [Fact]
    public async Task Nesting_beyond_the_depth_limit_and_garbage_are_reported_not_thrown()
    {
        var level3 = Zip(("META-INF/maven/g/deep/pom.properties", "groupId=g\nartifactId=deep\nversion=1\n"));
        var level2 = Zip(("lib/deep-1.jar", level3));
        var level1 = Zip(("lib/mid-1.jar", level2), ("lib/broken-1.jar", Encoding.UTF8.GetBytes("PK not really a zip")));
        var outer = Zip(("lib/top-1.jar", level1));
        var finding = await Analyze("app.jar", outer);
        Assert.Contains(finding.Problems, p => p.Contains("nested deeper than 2", StringComparison.Ordinal));
        Assert.Contains(finding.Problems, p => p.Contains("broken-1.jar: not a readable zip", StringComparison.Ordinal));
        Assert.DoesNotContain(finding.Packages, p => p.Name == "g:deep");
        Assert.Contains(finding.Packages, p => p.Name == "top" && p.Version == "1");
    }

    [Fact]
    public void A_loose_pom_properties_without_version_is_a_problem()
    {
        var run = LanguageFixtures.Catalog(_cataloger, ("app/META-INF/maven/g/a/pom.properties", "groupId=g\nartifactId=a\n"));
        Assert.Empty(run.Packages);
        Assert.Equal(ProblemCodes.MalformedMetadata, Assert.Single(run.Problems).Code);
    }

    private async Task<JavaArchiveFinding> Analyze(string path, byte[] archive)
    {
        using var stream = new MemoryStream(archive);
        var result = await _cataloger.AnalyzeAsync(new StreamedFile(path, archive.Length, UnixFileMode.UserRead, 0), stream, CancellationToken.None);
        return Assert.IsType<JavaArchiveFinding>(result);
    }

    private static byte[] Zip(params (string Name, string Text)[] entries) =>
        Zip([.. entries.Select(e => (e.Name, Encoding.UTF8.GetBytes(e.Text)))]);

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }
}
