using System.Globalization;

namespace Tollgate.Api.Pages;

/// <summary>
/// Numbers, amounts and times as the reader's language writes them (the request's culture). Amounts are kept in minor
/// units everywhere else; here they are shown in their currency with its symbol and its own number of decimals.
/// </summary>
public static class PageFormat
{
    // ISO 4217 currencies without the usual two decimals, as Stripe lists them.
    private static readonly HashSet<string> NoDecimals =
        ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];

    private static readonly HashSet<string> ThreeDecimals = ["bhd", "jod", "kwd", "omr", "tnd"];

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["usd"] = "$", ["cny"] = "¥", ["eur"] = "€", ["gbp"] = "£", ["jpy"] = "¥", ["hkd"] = "HK$", ["sgd"] = "S$", ["cad"] = "CA$",
        ["aud"] = "A$", ["krw"] = "₩", ["inr"] = "₹", ["chf"] = "CHF ", ["twd"] = "NT$",
    };

    public static int Decimals(string currency) =>
        NoDecimals.Contains(currency.ToLowerInvariant()) ? 0 : ThreeDecimals.Contains(currency.ToLowerInvariant()) ? 3 : 2;

    /// <summary><c>1999, "usd"</c> is "$19.99" in English; a currency without a known symbol shows its code.</summary>
    public static string Money(long minor, string currency)
    {
        var decimals = Decimals(currency);
        var amount = minor / (decimal)Math.Pow(10, decimals);
        var format = (NumberFormatInfo)CultureInfo.CurrentCulture.NumberFormat.Clone();
        format.CurrencySymbol = Symbols.TryGetValue(currency, out var symbol) ? symbol : currency.ToUpperInvariant() + " ";
        format.CurrencyDecimalDigits = decimals;
        return amount.ToString("C", format);
    }

    /// <summary>A fraction as a percentage with one decimal, "—" when there is none (nothing to divide by).</summary>
    public static string Percent(decimal? fraction) => fraction is { } f ? f.ToString("P1", CultureInfo.CurrentCulture) : "—";

    public static string Number(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>A date and time in UTC, written the reader's way, marked as UTC (the server cannot know the reader's zone).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("g", CultureInfo.CurrentCulture) + " UTC";

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d", CultureInfo.CurrentCulture);
}
