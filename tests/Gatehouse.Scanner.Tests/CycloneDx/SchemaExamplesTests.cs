using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.CycloneDx;

/// <summary>The specification repository's own convention: valid-* examples validate, invalid-* fail.</summary>
public sealed class SchemaExamplesTests
{
    public static TheoryData<string> ValidExamples() => Examples("valid");

    public static TheoryData<string> InvalidExamples() => Examples("invalid");

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Valid_example_validates(string file)
    {
        var errors = CycloneDxSchemaValidator.Instance.ValidateFile(RepoPaths.TestData("cyclonedx", "examples", "valid", file));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void Invalid_example_fails(string file)
    {
        var errors = CycloneDxSchemaValidator.Instance.ValidateFile(RepoPaths.TestData("cyclonedx", "examples", "invalid", file));
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void There_are_examples_of_both_kinds()
    {
        Assert.True(ValidExamples().Count >= 5);
        Assert.True(InvalidExamples().Count >= 5);
    }

    private static TheoryData<string> Examples(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(RepoPaths.TestData("cyclonedx", "examples", kind), $"{kind}-*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }
        return data;
    }
}
