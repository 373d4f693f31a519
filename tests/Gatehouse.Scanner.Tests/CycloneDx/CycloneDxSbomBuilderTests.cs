using System.Text;
using Gatehouse.Scanner.CycloneDx;

namespace Gatehouse.Scanner.Tests.CycloneDx;

public sealed class CycloneDxSbomBuilderTests
{
    private static readonly Bom Sample = SampleInventory.Build();

    [Fact]
    public void Sample_inventory_matches_the_golden_sbom()
    {
        GoldenFile.AssertMatches("sbom-sample-inventory.cdx.json", CycloneDxWriter.Serialize(Sample));
    }

    [Fact]
    public void Generated_sbom_validates_against_the_1_6_schema()
    {
        var errors = CycloneDxSchemaValidator.Instance.Validate(CycloneDxWriter.Serialize(Sample));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void Package_order_does_not_change_the_output()
    {
        var reversed = SampleInventory.Packages().Reverse().ToList();
        Assert.Equal(CycloneDxWriter.Serialize(Sample), CycloneDxWriter.Serialize(SampleInventory.Build(reversed)));
    }

    [Fact]
    public void Reading_and_writing_back_gives_the_same_bytes()
    {
        var bytes = CycloneDxWriter.Serialize(Sample);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(CycloneDxWriter.Serialize(CycloneDxReader.Read(bytes))));
    }

    [Fact]
    public void Header_has_serial_spec_version_timestamp_and_tool()
    {
        Assert.Equal("CycloneDX", Sample.BomFormat);
        Assert.Equal("1.6", Sample.SpecVersion);
        Assert.Equal("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", Sample.SerialNumber);
        var tool = Assert.Single(Sample.Metadata!.Tools!.Components!);
        Assert.Equal(("gatehouse-scanner", "1.2.3"), (tool.Name, tool.Version));
        Assert.Contains(tool.Properties!, p => p.Name == "gatehouse:catalogerSetVersion" && p.Value == "dpkg@2,npm@1");
        Assert.Contains("\"timestamp\": \"2025-01-02T03:04:05Z\"", Encoding.UTF8.GetString(CycloneDxWriter.Serialize(Sample)), StringComparison.Ordinal);
    }

    [Fact]
    public void Image_is_a_container_component_with_an_oci_purl()
    {
        var image = Sample.Metadata!.Component!;
        Assert.Equal("container", image.Type);
        Assert.Equal(SampleInventory.ImageDigest, image.Version);
        Assert.Equal("pkg:oci/app@sha256%3A9999999999999999999999999999999999999999999999999999999999999999?repository_url=127.0.0.1:5000/demo/App", image.Purl);
        Assert.Equal(image.Purl, image.BomRef);
    }

    [Fact]
    public void Layers_are_listed_in_order_with_digest_and_diff_id()
    {
        var properties = Sample.Metadata!.Properties!;
        Assert.Contains(properties, p => p.Name == "gatehouse:layer:0" && p.Value == SampleInventory.BaseDigest);
        Assert.Contains(properties, p => p.Name == "gatehouse:layer:1" && p.Value == SampleInventory.AppDigest);
        Assert.Contains(properties, p => p.Name == "gatehouse:layer:1:diffId" && p.Value!.StartsWith("sha256:bbbb", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_are_recorded_as_metadata_properties()
    {
        var properties = Sample.Metadata!.Properties!;
        Assert.Contains(properties, p => p.Name == "gatehouse:problem:0:path" && p.Value == "app/broken/package.json");
        Assert.Contains(properties, p => p.Name == "gatehouse:problem:1:code" && p.Value == "unsupported-database");
        Assert.DoesNotContain(properties, p => p.Name == "gatehouse:problem:1:layer");
    }

    [Fact]
    public void Components_are_sorted_by_purl_then_path_with_the_distro_first()
    {
        var components = Sample.Components!;
        Assert.Equal("operating-system", components[0].Type);
        Assert.Equal(("debian", "12"), (components[0].Name, components[0].Version));
        var purls = components.Skip(1).Select(c => c.Purl!).ToList();
        Assert.Equal(purls.Order(StringComparer.Ordinal), purls);
        var through = components.Where(c => c.Name == "through").ToList();
        Assert.Equal(2, through.Count);
        Assert.Equal("app/node_modules/through/package.json", Property(through[0], "gatehouse:location:path"));
        Assert.Equal("app/package-lock.json", Property(through[1], "gatehouse:location:path"));
    }

    [Fact]
    public void Bom_refs_are_unique_even_for_a_repeated_purl()
    {
        var refs = Sample.Components!.Select(c => c.BomRef).ToList();
        Assert.Equal(refs.Count, refs.Distinct().Count());
        Assert.Contains("pkg:npm/through@2.3.8|app/package-lock.json", refs);
    }

    [Fact]
    public void Dependencies_resolve_package_ids_sorted_and_drop_unknown_targets()
    {
        var dependency = Assert.Single(Sample.Dependencies!);
        Assert.Equal("pkg:npm/app@1.0.0|app/package-lock.json", dependency.Ref);
        Assert.Equal(
            ["pkg:npm/%40types/react@18.0.17|app/package-lock.json", "pkg:npm/through@2.3.8|app/package-lock.json"],
            dependency.DependsOn);
    }

    [Fact]
    public void Component_fields_map_role_group_source_layer_and_extras()
    {
        var app = Sample.Components!.Single(c => c.Name == "app");
        Assert.Equal("application", app.Type);
        var maven = Sample.Components!.Single(c => c.Purl?.StartsWith("pkg:maven/", StringComparison.Ordinal) == true);
        Assert.Equal(("org.apache.commons", "commons-lang3", "library"), (maven.Group, maven.Name, maven.Type));
        var ssl = Sample.Components!.Single(c => c.Name == "libssl3");
        Assert.Equal("openssl", Property(ssl, "gatehouse:source:name"));
        Assert.Equal("0", Property(ssl, "gatehouse:location:layer"));
        Assert.Equal(SampleInventory.BaseDigest, Property(ssl, "gatehouse:location:layerDigest"));
        Assert.Equal("dpkg", Property(ssl, "gatehouse:cataloger"));
        Assert.Equal("Debian OpenSSL Team", Property(ssl, "gatehouse:dpkg:maintainer"));
    }

    [Fact]
    public void Licenses_become_ids_expressions_or_names()
    {
        var byPath = Sample.Components!.Where(c => c.Name is "through" or "libssl3" or "@types/react")
            .ToDictionary(c => c.Name + "|" + Property(c, "gatehouse:location:path"));
        Assert.Equal("MIT", Assert.Single(byPath["@types/react|app/package-lock.json"].Licenses!).License!.Id);
        Assert.Equal("MIT OR Apache-2.0", Assert.Single(byPath["through|app/package-lock.json"].Licenses!).Expression);
        var mixed = byPath["through|app/node_modules/through/package.json"].Licenses!;
        Assert.Equal(["Custom licence", "MIT"], mixed.Select(l => l.License!.Id ?? l.License.Name));
        Assert.Equal("GPL-2.0+ and BSD-like", Assert.Single(byPath["libssl3|var/lib/dpkg/status"].Licenses!).License!.Name);
    }

    [Fact]
    public void An_image_without_digest_or_distro_still_validates()
    {
        var image = new SbomImage("dir:/rootfs", null, null, "dir:/rootfs", []);
        var bom = CycloneDxSbomBuilder.Build(image, null, [], [], SampleInventory.Tool, SampleInventory.Stamp);
        Assert.Null(bom.Metadata!.Component!.Purl);
        Assert.Null(bom.Dependencies);
        var errors = CycloneDxSchemaValidator.Instance.Validate(CycloneDxWriter.Serialize(bom));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static string? Property(BomComponent component, string name) =>
        component.Properties?.FirstOrDefault(p => p.Name == name)?.Value;
}
