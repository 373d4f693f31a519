using System.Reflection;
using System.Text.Json;
using Gatehouse.Contracts.Messages;
using MassTransit;
using MassTransit.Serialization;

namespace Gatehouse.Contracts.Tests;

public sealed class MessageContractTests
{
    public static TheoryData<string> MessageNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in MessageCatalog.All) data.Add(type.Name);
        return data;
    }

    private static Type TypeOf(string name) => MessageCatalog.All.Single(t => t.Name == name);

    [Fact]
    public void Every_message_in_the_assembly_is_catalogued_and_has_a_sample()
    {
        var urnTypes = typeof(MessageCatalog).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<MessageUrnAttribute>() is not null).ToHashSet();
        Assert.Equal(urnTypes.OrderBy(t => t.Name), MessageCatalog.All.OrderBy(t => t.Name));
        Assert.All(MessageCatalog.All, t => Assert.True(MessageSamples.ByType.ContainsKey(t), $"no sample for {t.Name}"));
    }

    [Fact]
    public void Urns_are_pinned_versioned_and_unique()
    {
        var urns = MessageCatalog.All.Select(t => t.GetCustomAttribute<MessageUrnAttribute>()!.Urn.ToString()).ToList();
        Assert.Equal(urns.Count, urns.Distinct(StringComparer.Ordinal).Count());
        Assert.All(urns, u => Assert.Matches(@"^urn:message:gatehouse:[a-z-]+:v\d+$", u));
        // MassTransit must resolve the pinned URN, not one derived from the CLR name.
        Assert.All(MessageCatalog.All, t =>
            Assert.Equal(t.GetCustomAttribute<MessageUrnAttribute>()!.Urn, MessageUrn.ForType(t)));
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Messages_are_sealed_records_of_primitives(string name)
    {
        var type = TypeOf(name);
        Assert.True(type.IsSealed, $"{name} must be sealed");
        Assert.NotNull(type.GetMethod("<Clone>$")); // compiler-generated for records
        foreach (var p in type.GetProperties().Where(p => p.Name != "EqualityContract"))
            Assert.True(IsWirePrimitive(p.PropertyType), $"{name}.{p.Name} ({p.PropertyType}) is not a primitive wire type");
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Serialized_form_matches_golden_file(string name)
    {
        var type = TypeOf(name);
        var json = JsonSerializer.Serialize(MessageSamples.ByType[type], type, SystemTextJsonMessageSerializer.Options);
        var pretty = Pretty(json);
        var golden = Path.Combine(GoldenDirectory(), name + ".json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(golden, pretty + "\n");
        Assert.True(File.Exists(golden), $"missing golden file {golden} (run with UPDATE_GOLDEN=1 to create it)");
        Assert.Equal(File.ReadAllText(golden).TrimEnd(), pretty);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Golden_file_round_trips_without_loss(string name)
    {
        var type = TypeOf(name);
        var golden = File.ReadAllText(Path.Combine(GoldenDirectory(), name + ".json"));
        var back = JsonSerializer.Deserialize(golden, type, SystemTextJsonMessageSerializer.Options);
        Assert.NotNull(back);
        Assert.Equal(Pretty(golden), Pretty(JsonSerializer.Serialize(back, type, SystemTextJsonMessageSerializer.Options)));
    }

    [Fact]
    public void A_signatures_result_from_an_older_signer_reads_without_its_source()
    {
        // Sent before signatures were kept per repository: the fields are absent, and the digest's result has no source.
        var golden = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(GoldenDirectory(), nameof(SignaturesVerified) + ".json")))!.AsObject();
        golden.Remove("registry");
        golden.Remove("repository");
        var back = golden.Deserialize<SignaturesVerified>(SystemTextJsonMessageSerializer.Options)!;
        Assert.Equal(("root-4444", null, null), (back.TrustRootVersion, back.Registry, back.Repository));
        Assert.Single(back.Signers);
    }

    private static bool IsWirePrimitive(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t.IsPrimitive || t == typeof(string) || t == typeof(DateTimeOffset) || t == typeof(decimal) || t == typeof(Guid))
            return true;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            return IsWirePrimitive(t.GetGenericArguments()[0]);
        // Small value records of primitives (e.g. a signer) are allowed when they live beside the messages.
        return t.IsSealed && t.Namespace == typeof(MessageCatalog).Namespace &&
               t.GetProperties().Where(p => p.Name != "EqualityContract").All(p => IsWirePrimitive(p.PropertyType));
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Pretty(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, Indented);

    private static string GoldenDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.Contracts.Tests.csproj"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("test project folder not found"), "Golden");
    }
}
