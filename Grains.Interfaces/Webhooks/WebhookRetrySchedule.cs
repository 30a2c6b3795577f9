namespace Tollgate.Grains.Webhooks;

/// <summary>
/// When a failed delivery is tried again: after <c>firstDelay</c>, doubling with each failure up to <c>maxDelay</c>, for
/// <see cref="Period"/> from its first attempt; the last try falls at the end of that period, and after it the delivery has failed.
/// </summary>
public static class WebhookRetrySchedule
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(3);

    /// <summary>The next attempt after <paramref name="failedAttempts"/> (1 or more) failed attempts, the last at <paramref name="at"/>;
    /// null when none is left.</summary>
    public static DateTimeOffset? Next(int failedAttempts, DateTimeOffset firstAttemptAt, DateTimeOffset at,
        TimeSpan firstDelay, TimeSpan maxDelay)
    {
        var deadline = firstAttemptAt + Period;
        if (at >= deadline) return null;
        var delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, firstDelay.Ticks * (1L << Math.Clamp(failedAttempts - 1, 0, 40))));
        return at + delay < deadline ? at + delay : deadline;
    }
}
