using System.Globalization;

namespace Tollgate.Api.Pages.Portal;

/// <summary>
/// The stretch of time the usage page shows and its download holds: the last 30 UTC days, today included, by day; or the
/// last 12 months, this one included, by month. <see cref="Periods"/> names each day or month as the usage report does.
/// </summary>
public sealed record UsageRange(bool Monthly, DateTimeOffset From, IReadOnlyList<string> Periods)
{
    public const int Days = 30;
    public const int Months = 12;

    /// <summary>The value of the page's <c>by</c> parameter that asks for months; anything else is days.</summary>
    public const string ByMonth = "month";

    public string GroupBy => Monthly ? "month" : "day";

    public static UsageRange For(string? by, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (by == ByMonth)
        {
            var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-(Months - 1));
            return new UsageRange(true, Start(first),
                [.. Enumerable.Range(0, Months).Select(i => first.AddMonths(i).ToString("yyyy-MM", CultureInfo.InvariantCulture))]);
        }
        var firstDay = today.AddDays(-(Days - 1));
        return new UsageRange(false, Start(firstDay),
            [.. Enumerable.Range(0, Days).Select(i => firstDay.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]);
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
