using System.Text.Json.Nodes;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>OSV records written for a test, as JSON files or as parsed records.</summary>
internal static class OsvJson
{
    public const string Critical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";   // 9.8
    public const string High = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";       // 7.5
    public const string Medium = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N";     // 5.4
    public const string Low = "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N";        // 2.5

    public static string Record(
        string id, string ecosystem, string package, string? fixedIn = null, string? cvss = null, string[]? aliases = null,
        string rangeType = "ECOSYSTEM", string introduced = "0")
    {
        var events = new JsonArray(new JsonObject { ["introduced"] = introduced });
        if (fixedIn is not null)
        {
            events.Add(new JsonObject { ["fixed"] = fixedIn });
        }
        var record = new JsonObject
        {
            ["schema_version"] = "1.6.0",
            ["id"] = id,
            ["modified"] = "2024-01-01T00:00:00Z",
            ["published"] = "2024-01-01T00:00:00Z",
            ["summary"] = $"{id} in {package}",
            ["affected"] = new JsonArray(new JsonObject
            {
                ["package"] = new JsonObject { ["ecosystem"] = ecosystem, ["name"] = package },
                ["ranges"] = new JsonArray(new JsonObject { ["type"] = rangeType, ["events"] = events }),
            }),
        };
        if (aliases is not null)
        {
            record["aliases"] = new JsonArray([.. aliases.Select(a => (JsonNode)JsonValue.Create(a))]);
        }
        if (cvss is not null)
        {
            record["severity"] = new JsonArray(new JsonObject { ["type"] = "CVSS_V3", ["score"] = cvss });
        }
        return record.ToJsonString();
    }

    public static OsvRecord Parse(string json) =>
        OsvReader.Read(System.Text.Encoding.UTF8.GetBytes(json), "test").Record ?? throw new InvalidOperationException("unreadable test record");

    public static AdvisorySnapshot Snapshot(string version, params string[] records) => AdvisorySnapshot.Create(records.Select(Parse), version);

    /// <summary>Writes the records as <c>&lt;id&gt;.json</c> files into a new folder under <paramref name="parent"/>.</summary>
    public static string WriteFolder(string parent, params string[] records)
    {
        var folder = Path.Combine(parent, "osv-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        foreach (var json in records)
        {
            var id = JsonNode.Parse(json)!["id"]!.GetValue<string>();
            File.WriteAllText(Path.Combine(folder, id + ".json"), json);
        }
        return folder;
    }
}
