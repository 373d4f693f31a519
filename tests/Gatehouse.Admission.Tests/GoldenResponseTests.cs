using Gatehouse.Testing;

namespace Gatehouse.Admission.Tests;

/// <summary>A factory seeded with the shared fixtures' decisions, used by every golden test.</summary>
public sealed class SeededFactory : AdmissionFactory
{
    private readonly Lazy<Task<HttpClient>> _client;

    public SeededFactory() => _client = new(async () =>
    {
        await this.SeedAsync();
        return CreateClient();
    });

    public Task<HttpClient> ClientAsync() => _client.Value;
}

/// <summary>
/// The shared AdmissionReview requests (every workload kind, init containers, a digest-pinned image) against
/// golden responses. Requests carry no namespace, so the default profile (prod) applies. Set
/// GATEHOUSE_UPDATE_GOLDEN=1 to rewrite the files, then review the diff.
/// </summary>
public sealed class GoldenResponseTests(SeededFactory factory) : IClassFixture<SeededFactory>
{
    public static TheoryData<string, string> SharedRequests()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Reviews.SharedRequestNames)
        {
            data.Add(name, "validate");
            data.Add(name, "mutate");
        }
        return data;
    }

    public static TheoryData<string> DerivedReviews() =>
    [
        "cronjob_creation_signed", "cronjob_creation_unsigned", "deployment_creation_signed", "pod_creation_signed",
        "pod_creation_unsigned", "pod_creation_with_init_container",
    ];

    [Theory]
    [MemberData(nameof(SharedRequests))]
    public async Task Shared_request_gets_the_golden_response(string name, string endpoint)
    {
        var client = await factory.ClientAsync();
        var answer = await client.PostAsync("/" + endpoint, Reviews.WrapShared(name));
        await AssertGoldenAsync($"{name}.{endpoint}.json", answer.Json);
    }

    [Theory]
    [MemberData(nameof(DerivedReviews))]
    public async Task Derived_AdmissionReview_file_gets_the_same_answer_as_its_request(string name)
    {
        var client = await factory.ClientAsync();
        var body = await File.ReadAllTextAsync(RepoPaths.TestData("admission", "admissionreview-v1", name + ".review.json"));
        var answer = await client.PostAsync("/validate", body);
        await AssertGoldenAsync($"{name}.validate.json", answer.Json);
    }

    private static async Task AssertGoldenAsync(string file, string json)
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "Gatehouse.Admission.Tests", "Golden", file);
        var actual = Reviews.Canonical(json);
        if (Environment.GetEnvironmentVariable("GATEHOUSE_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with GATEHOUSE_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(await File.ReadAllTextAsync(path), actual);
    }
}
