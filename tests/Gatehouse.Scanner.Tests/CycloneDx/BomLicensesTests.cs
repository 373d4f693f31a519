using System.Text.Json;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.CycloneDx;

public sealed class BomLicensesTests
{
    [Theory]
    [InlineData("MIT", "MIT")]
    [InlineData("apache-2.0", "Apache-2.0")]
    [InlineData("(BSD-3-Clause)", "BSD-3-Clause")]
    [InlineData("GPL-2.0+", "GPL-2.0+")]
    public void A_known_spdx_id_becomes_a_canonical_id(string declared, string id)
    {
        var choice = Assert.Single(BomLicenses.FromDeclared([declared])!);
        Assert.Equal(id, choice.License!.Id);
        Assert.Null(choice.Expression);
    }

    [Theory]
    [InlineData("MIT OR Apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("(mit or apache-2.0) and BSD-2-Clause", "(MIT OR Apache-2.0) AND BSD-2-Clause")]
    [InlineData("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0")]
    [InlineData("Apache-2.0+", "Apache-2.0+")]
    [InlineData("LicenseRef-Proprietary OR MIT", "LicenseRef-Proprietary OR MIT")]
    public void A_spdx_expression_becomes_a_normalized_expression(string declared, string expression)
    {
        Assert.Equal(expression, Assert.Single(BomLicenses.FromDeclared([declared])!).Expression);
    }

    [Theory]
    [InlineData("BSD License")]
    [InlineData("PSF license")]
    [InlineData("MIT OR")]
    [InlineData("(MIT")]
    [InlineData("MIT WITH Not-An-Exception")]
    [InlineData("https://www.apache.org/licenses/LICENSE-2.0.txt")]
    public void Anything_else_becomes_a_name(string declared)
    {
        Assert.Equal(declared, Assert.Single(BomLicenses.FromDeclared([declared])!).License!.Name);
    }

    [Fact]
    public void An_expression_next_to_other_licenses_is_kept_as_a_name()
    {
        var choices = BomLicenses.FromDeclared(["MIT OR Apache-2.0", "ISC"])!;
        Assert.All(choices, c => Assert.Null(c.Expression));
        Assert.Equal(["ISC", "MIT OR Apache-2.0"], choices.Select(c => c.License!.Id ?? c.License.Name));
    }

    [Fact]
    public void Empty_and_duplicate_declarations_are_dropped()
    {
        Assert.Null(BomLicenses.FromDeclared(["", "  "]));
        Assert.Single(BomLicenses.FromDeclared(["MIT", " MIT "])!);
    }

    [Fact]
    public void Every_curated_id_is_in_the_schema_spdx_list()
    {
        using var schema = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.TestData("cyclonedx", "schema", "spdx.schema.json")));
        var listed = schema.RootElement.GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal([], SpdxLicenseIds.All.Concat(SpdxLicenseIds.AllExceptions).Where(id => !listed.Contains(id)).ToList());
    }
}
