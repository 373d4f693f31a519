namespace Gatehouse.Testing;

/// <summary>
/// "The service refuses to start": the exception a host's start throws, read through WebApplicationFactory.
/// For an app with a minimal-hosting entry point the factory starts the app on the entry point's thread and then
/// reads the host's services on the test's thread; when the app fails to start and disposes itself first (a busy
/// machine), that read throws ObjectDisposedException and the app's own exception is lost (dotnet/aspnetcore#33494).
/// Such an attempt tells nothing either way, so it is repeated with a fresh factory; any other outcome is the answer.
/// </summary>
public static class StartupFailure
{
    private const int Attempts = 5;

    public static TException Expect<TException, TFactory>(Func<TFactory> createFactory, Action<TFactory> start)
        where TException : Exception
        where TFactory : IDisposable
    {
        ArgumentNullException.ThrowIfNull(createFactory);
        ArgumentNullException.ThrowIfNull(start);
        for (var attempt = 1; ; attempt++)
        {
            using var factory = createFactory();
            try
            {
                start(factory);
            }
            catch (TException expected)
            {
                return expected;
            }
            catch (ObjectDisposedException) when (attempt < Attempts && typeof(TException) != typeof(ObjectDisposedException))
            {
                continue;
            }
            throw new Xunit.Sdk.XunitException($"the host started, but it should have failed with {typeof(TException).Name}");
        }
    }
}
