using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Deploy.Tests.Rendering;

/// <summary>One rendered object, as JSON (the form the API server stores and schemas describe).</summary>
public sealed record Manifest(JsonObject Json)
{
    public string ApiVersion => (string?)Json["apiVersion"] ?? "";

    public string Kind => (string?)Json["kind"] ?? "";

    public string Name => (string?)Json["metadata"]?["name"] ?? "";

    public string? Namespace => (string?)Json["metadata"]?["namespace"];

    /// <summary>The API group ("" for the core group).</summary>
    public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";

    public override string ToString() => $"{Kind} {(Namespace is null ? "" : Namespace + "/")}{Name}";

    public Manifest Copy() => new(Json.DeepClone().AsObject());

    /// <summary>Splits a multi-document YAML stream; every document must be a mapping with apiVersion and kind.</summary>
    public static IReadOnlyList<Manifest> ParseAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var result = new List<Manifest>();
        foreach (var document in stream.Documents)
        {
            if (ToJson(document.RootNode) is not JsonObject obj)
                throw new InvalidOperationException($"a rendered document is not a mapping (at {document.RootNode.Start})");
            var manifest = new Manifest(obj);
            if (manifest.ApiVersion.Length == 0 || manifest.Kind.Length == 0 || manifest.Name.Length == 0)
                throw new InvalidOperationException($"a rendered document lacks apiVersion, kind or metadata.name (at {document.RootNode.Start})");
            result.Add(manifest);
        }
        return result;
    }

    /// <summary>YAML 1.2 core schema: plain scalars may be null, booleans or numbers; quoted ones are strings.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new InvalidOperationException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            // A repeated key is an error in the API server's strict decoding; do not let the last one win silently.
            if (obj.ContainsKey(name)) throw new InvalidOperationException($"duplicate key '{name}' at {key.Start}");
            obj[name] = ToJson(value);
        }
        return obj;
    }

    private static JsonValue? ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (text.Any(char.IsAsciiDigit) && !text.Contains(':', StringComparison.Ordinal)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return JsonValue.Create(real);
        return JsonValue.Create(text);
    }
}

/// <summary>Everything one overlay renders.</summary>
public sealed record RenderedOverlay(string Environment, IReadOnlyList<Manifest> Objects)
{
    public IEnumerable<Manifest> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public Manifest? Find(string kind, string name) => Objects.FirstOrDefault(o => o.Kind == kind && o.Name == name);

    /// <summary>A copy whose objects can be changed freely (for tests that show a check can fail).</summary>
    public RenderedOverlay Mutable() => this with { Objects = Objects.Select(o => o.Copy()).ToList() };
}
