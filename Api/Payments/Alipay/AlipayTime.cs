using System.Globalization;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>Alipay's times: "yyyy-MM-dd HH:mm:ss" in China Standard Time (UTC+8, no daylight saving), no offset written.</summary>
public static class AlipayTime
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFF"];

    public static string Format(DateTimeOffset at) =>
        at.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Reads Alipay's China time (gmt_refund carries milliseconds too).</summary>
    public static bool TryParse(string? text, out DateTimeOffset at)
    {
        at = default;
        if (!DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return false;
        at = new DateTimeOffset(local, ChinaOffset).ToUniversalTime();
        return true;
    }
}
