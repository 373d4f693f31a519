using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Admission.Wire;

/// <summary>One RFC 6902 <c>replace</c> of a string value.</summary>
public readonly record struct PatchOperation(string Path, string Value);

/// <summary>Writes the JSON Patch the mutating webhook returns (the response carries it base64-encoded).</summary>
public static class JsonPatch
{
    public const string PatchType = "JSONPatch";

    /// <summary>UTF-8 JSON: <c>[{"op":"replace","path":"/spec/containers/0/image","value":"nginx@sha256:…"}]</c>.</summary>
    public static byte[] Serialize(IReadOnlyList<PatchOperation> operations)
    {
        var buffer = new ArrayBufferWriter<byte>(128 * Math.Max(1, operations.Count));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var operation in operations)
            {
                writer.WriteStartObject();
                writer.WriteString("op"u8, "replace"u8);
                writer.WriteString("path"u8, operation.Path);
                writer.WriteString("value"u8, operation.Value);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
