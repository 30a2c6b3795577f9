namespace Tollgate.Grains.Quotas;

/// <summary>The usage journal's streams and record kinds.</summary>
public static class Usage
{
    public const string Stream = "usage";
    public const string Consume = "consume";
    public const string Refund = "refund";

    public const string DaysStream = "usage-days";
    public const string Opened = "open";
    public const string Closed = "close";

    public static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
