namespace Tollgate.Grains.Quotas;

/// <summary>Bound from the <c>QuotaAlerts</c> configuration section.</summary>
public sealed class QuotaAlertOptions
{
    public const string SectionName = "QuotaAlerts";

    /// <summary>
    /// The longest an alerted counter's reminder waits before it looks at its window again. It is aimed at
    /// the window's end once that is nearer; this period is its fallback (at least Orleans' minimum reminder period).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromHours(1);
}
