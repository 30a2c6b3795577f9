namespace Tollgate.Grains.Quotas;

/// <summary>
/// Sums of quota amounts and totals (used, a day's consumed and refunded, a report's totals). A sum
/// that does not fit a 64-bit number is refused, never wrapped into a negative one.
/// </summary>
public static class QuotaSums
{
    /// <summary>Whether <paramref name="total"/> + <paramref name="amount"/> fits, computed without overflowing itself.</summary>
    public static bool Fits(long total, long amount) => amount >= 0 ? total <= long.MaxValue - amount : total >= long.MinValue - amount;

    /// <summary>The sum; <see cref="OverflowException"/> when it does not fit.</summary>
    public static long Add(long total, long amount) => checked(total + amount);
}
