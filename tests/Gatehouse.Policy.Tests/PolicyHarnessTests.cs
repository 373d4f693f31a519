using Gatehouse.Testing;
using MassTransit.Testing;

namespace Gatehouse.Policy.Tests;

/// <summary>
/// Tests of the policy service on the MassTransit test harness: one started factory per test, facts published and
/// waited for until consumed, and the signer identity the factory's prod policy trusts.
/// </summary>
public abstract class PolicyHarnessTests : IAsyncLifetime, IDisposable
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    protected const string Issuer = "https://token.actions.githubusercontent.com";
    protected const string Subject = "https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1";

    protected PolicyServiceFactory Factory { get; } = new();

    protected ITestHarness Harness => Factory.Harness;

    /// <summary>When the facts happened: recent, so no maximum scan age is exceeded.</summary>
    protected static DateTimeOffset At => DateTimeOffset.UtcNow.AddMinutes(-5);

    protected static string NewDigest() => "sha256:" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public Task InitializeAsync()
    {
        Factory.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Factory.Dispose();
    }

    protected async Task PublishAndConsumeAsync(object message)
    {
        var before = Harness.Consumed.Select(_ => true).Count();
        await Harness.Bus.Publish(message);
        await Eventually.TrueAsync(() => Harness.Consumed.Select(_ => true).Count() > before, Wait, $"{message.GetType().Name} consumed");
    }
}
