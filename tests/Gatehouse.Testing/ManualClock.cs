namespace Gatehouse.Testing;

/// <summary>A clock the test moves by hand, so expiry and staleness are tested without waiting.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public static DateTimeOffset Start { get; } = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public ManualClock() : this(Start) { }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
