using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Policy.Model;

/// <summary>One YAML (or JSON) document as a JSON tree, with the source line of every node for error messages.</summary>
public sealed class SourceDocument(string source, JsonNode? root, IReadOnlyDictionary<JsonNode, int> lines)
{
    public string Source { get; } = source;

    /// <summary>Null for an empty document (<c>---</c> with nothing after it).</summary>
    public JsonNode? Root { get; } = root;

    public int? LineOf(JsonNode? node) => node is not null && lines.TryGetValue(node, out var line) ? line : null;
}

/// <summary>
/// Reads YAML into <see cref="JsonNode"/>s with the YAML 1.2 core schema for plain scalars (true/false, null,
/// integers, floats; everything quoted is a string), so the same tree feeds the policy reader and JSON Schema
/// validation. JSON is YAML, so one reader serves both. Aliases are expanded with a node budget, so a
/// "billion laughs" document fails instead of exhausting memory.
/// </summary>
public static class YamlJson
{
    private const int MaxNodes = 200_000;
    private const int MaxDepth = 64;
    private static readonly System.Buffers.SearchValues<char> NumberChars = System.Buffers.SearchValues.Create("0123456789.eE+-");

    /// <summary>Every document of a multi-document stream, in order.</summary>
    /// <exception cref="PolicyValidationException">The text is not well-formed YAML (message with line and column).</exception>
    public static IReadOnlyList<SourceDocument> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new PolicyValidationException([new PolicyIssue(source, (int)ex.Start.Line, "", $"not valid YAML: {ex.InnerException?.Message ?? ex.Message}")]);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner reports some malformed input this way, without a position.
            throw new PolicyValidationException([new PolicyIssue(source, null, "", $"not valid YAML: {ex.Message}")]);
        }
        var documents = new List<SourceDocument>();
        foreach (var document in stream.Documents)
        {
            var lines = new Dictionary<JsonNode, int>(ReferenceEqualityComparer.Instance);
            var budget = MaxNodes;
            var root = Convert(document.RootNode, lines, ref budget, 0, source);
            documents.Add(new SourceDocument(source, root, lines));
        }
        return documents;
    }

    private static JsonNode? Convert(YamlNode node, Dictionary<JsonNode, int> lines, ref int budget, int depth, string source)
    {
        if (--budget < 0 || depth > MaxDepth)
        {
            throw new PolicyValidationException([new PolicyIssue(source, (int)node.Start.Line, "",
                $"document is too large or too deeply nested (over {MaxNodes} nodes or {MaxDepth} levels, aliases expanded)")]);
        }
        JsonNode? result;
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    // The YAML parser has already rejected duplicate keys.
                    var key = keyNode is YamlScalarNode scalarKey ? scalarKey.Value ?? "" : keyNode.ToString();
                    obj[key] = Convert(valueNode, lines, ref budget, depth + 1, source);
                }
                result = obj;
                break;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children) array.Add(Convert(item, lines, ref budget, depth + 1, source));
                result = array;
                break;
            case YamlScalarNode scalar:
                result = Scalar(scalar);
                break;
            default:
                result = null;
                break;
        }
        if (result is not null) lines[result] = (int)node.Start.Line;
        return result;
    }

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var explicitString = scalar.Tag.IsGlobal && scalar.Tag.Value == "tag:yaml.org,2002:str";
        if (scalar.Style != ScalarStyle.Plain || explicitString) return JsonValue.Create(value);
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (LooksNumeric(value))
        {
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)) return JsonValue.Create(real);
        }
        return JsonValue.Create(value);
    }

    // Only the core schema's number forms; "1e3h" or "0x1F" stay strings.
    private static bool LooksNumeric(string value)
    {
        var span = value.AsSpan();
        if (span.Length > 0 && span[0] is '-' or '+') span = span[1..];
        return span.Length > 0 && char.IsAsciiDigit(span[0]) && span.IndexOfAnyExcept(NumberChars) < 0;
    }
}
