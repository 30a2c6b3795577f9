namespace Tollgate.Grains.Billing;

/// <summary>Bound from the <c>Subscriptions</c> configuration section.</summary>
public sealed class SubscriptionOptions
{
    public const string SectionName = "Subscriptions";

    /// <summary>
    /// The longest a subscription's reminder waits before it looks at its boundaries again. It is aimed
    /// at the next trial or period end; this period is its fallback (at least Orleans' minimum reminder period).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromHours(1);
}
