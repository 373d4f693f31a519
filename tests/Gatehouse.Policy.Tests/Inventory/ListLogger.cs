using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>Keeps every message logged (level and text), so a test can count how often something was said.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public int Count(LogLevel level, string fragment) =>
        Entries.Count(e => e.Level == level && e.Message.Contains(fragment, StringComparison.OrdinalIgnoreCase));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
