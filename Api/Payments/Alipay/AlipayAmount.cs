using System.Globalization;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>
/// Alipay's amounts are yuan in a decimal string ("88.00"); Tollgate's are whole fen. Converted digit by digit, never
/// through floating point, so that an amount read back is exactly the amount sent.
/// </summary>
public static class AlipayAmount
{
    /// <summary>Fen as Alipay writes yuan: always two decimals ("0.01", "88.00", "1234.50").</summary>
    public static string Format(long fen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fen);
        return string.Create(CultureInfo.InvariantCulture, $"{fen / 100}.{fen % 100:00}");
    }

    /// <summary>
    /// Reads a non-negative yuan amount with at most two decimals ("88", "88.8", "88.80") into fen. Anything else (a sign,
    /// a third decimal, an exponent, spaces, more than a long holds) is refused rather than rounded.
    /// </summary>
    public static bool TryParse(string? yuan, out long fen)
    {
        fen = 0;
        if (string.IsNullOrEmpty(yuan)) return false;
        var point = yuan.IndexOf('.');
        var whole = point < 0 ? yuan : yuan[..point];
        var fraction = point < 0 ? "" : yuan[(point + 1)..];
        if (whole.Length == 0 || (point >= 0 && fraction.Length == 0) || fraction.Length > 2) return false;
        if (!whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit)) return false;
        try
        {
            long value = 0;
            foreach (var digit in whole + fraction.PadRight(2, '0')) value = checked(value * 10 + (digit - '0'));
            fen = value;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary><see cref="TryParse"/>, throwing <see cref="FormatException"/> for what it refuses.</summary>
    public static long Parse(string? yuan) =>
        TryParse(yuan, out var fen) ? fen : throw new FormatException($"\"{yuan}\" is not an amount in yuan with at most two decimals.");
}
