using Gatehouse.Scanner.Catalogers.Python;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.Catalogers.Python;

public sealed class PythonCatalogerTests
{
    private readonly PythonCataloger _cataloger = new();

    public static TheoryData<string> Fixtures() => LanguageFixtures.Fixtures("python");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Expected_packages_tsv_rows(string fixture)
    {
        Assert.Equal(LanguageFixtures.Expected(fixture), LanguageFixtures.Catalog(_cataloger, fixture));
    }

    [Theory]
    [InlineData("usr/lib/python3/dist-packages/Pygments-2.6.1.dist-info/METADATA", FileInterest.Content)]
    [InlineData("usr/lib/python3/dist-packages/Pygments-2.6.1.dist-info/RECORD", FileInterest.Content)]
    [InlineData("usr/lib/python2.7/Python-2.7.egg-info/PKG-INFO", FileInterest.Content)]
    [InlineData("usr/lib/python3/site-packages/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO", FileInterest.Content)]
    [InlineData("usr/lib/python3/dist-packages/six-1.16.0.egg-info", FileInterest.Content)]
    [InlineData("srv/app/PKG-INFO", FileInterest.None)]
    [InlineData("usr/lib/python3/dist-packages/Pygments-2.6.1.dist-info/top_level.txt", FileInterest.None)]
    public void Selects_metadata_and_record_files(string path, FileInterest expected)
    {
        Assert.Equal(expected, _cataloger.Select(new FileCandidate(path, 10, UnixFileMode.UserRead, 0)));
    }

    [Theory]
    [InlineData("Pygments", "pygments")]
    [InlineData("zope.interface", "zope-interface")]
    [InlineData("Foo__Bar-._baz", "foo-bar-baz")]
    public void Purl_names_are_pep_503_normalized(string name, string normalized)
    {
        Assert.Equal(normalized, PythonCataloger.NormalizeName(name));
    }

    [Fact]
    public void Wheel_metadata_gives_licence_purl_and_record_files()
    {
        const string Dir = "usr/lib/python3/site-packages/Zope.Interface-6.0.dist-info";
        var run = LanguageFixtures.Catalog(_cataloger,
            ($"{Dir}/METADATA", "Metadata-Version: 2.4\nName: Zope.Interface\nVersion: 6.0\nLicense-Expression: ZPL-2.1\nLicense: long\n licence text\nClassifier: License :: OSI Approved :: Zope Public License\n\nbody: not a header\n"),
            ($"{Dir}/RECORD", "zope/interface/__init__.py,sha256=x,100\n\"odd,name.py\",sha256=y,1\n../../../bin/zi,sha256=z,5\n<<<<<<< HEAD\n"));
        Assert.Empty(run.Problems);
        var package = Assert.Single(run.Packages);
        Assert.Equal(("Zope.Interface", "pkg:pypi/zope-interface@6.0"), (package.Name, package.Purl));
        Assert.Equal(["ZPL-2.1"], package.Licenses);
        Assert.Equal(["usr/bin/zi", "usr/lib/python3/site-packages/odd,name.py", "usr/lib/python3/site-packages/zope/interface/__init__.py"], package.Files);
    }

    [Fact]
    public void Licence_classifiers_are_the_fallback()
    {
        var run = LanguageFixtures.Catalog(_cataloger, ("x.dist-info/METADATA",
            "Name: a\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python\n"));
        Assert.Equal(["MIT License"], Assert.Single(run.Packages).Licenses);
    }

    [Fact]
    public void Old_pkg_info_fixture_declares_the_psf_licence()
    {
        var bytes = File.ReadAllBytes(RepoPaths.TestData("inventory", "python", "Python-2.7.egg-info", "PKG-INFO"));
        var run = LanguageFixtures.Catalog(_cataloger, [new KeyValuePair<string, byte[]>("usr/lib/python2.7/Python-2.7.egg-info/PKG-INFO", bytes)]);
        Assert.Equal(["PSF license"], Assert.Single(run.Packages).Licenses);
    }

    [Fact]
    public void Metadata_without_name_or_with_garbage_is_a_problem()
    {
        var run = LanguageFixtures.Catalog(_cataloger,
            ("a.dist-info/METADATA", "Version: 1.0\n"),
            ("b.dist-info/METADATA", "\u0000\u0001 binary junk"),
            ("c.dist-info/METADATA", "Name: ok\nVersion: 2\n"));
        Assert.Equal(["a.dist-info/METADATA", "b.dist-info/METADATA"], run.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Equal("ok", Assert.Single(run.Packages).Name);
    }
}
