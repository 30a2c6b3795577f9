namespace Tollgate.Testing;

/// <summary>
/// The system clock shifted by an offset a test can advance, so time-based rules (lockout windows)
/// can be crossed without waiting. Timers still run on real time.
/// </summary>
public sealed class OffsetTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
