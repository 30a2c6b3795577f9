namespace Tollgate.Grains.Orders;

/// <summary>Bound from the <c>Payments</c> configuration section (the Api binds its own keys of it).</summary>
public sealed class OrderOptions
{
    public const string SectionName = "Payments";

    /// <summary>
    /// The longest an open order's reminder waits before it looks at its expiry again; after expiry, how often it tries again
    /// while the provider cannot be reached or what was paid is not yet applied (at least Orleans' minimum reminder period).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(5);
}
