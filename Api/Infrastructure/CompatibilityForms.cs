using System.Text;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// NFKC normalization for text such as emails. Tollgate runs with invariant globalization, where
/// <see cref="string.Normalize(NormalizationForm)"/> leaves text unchanged, so after asking the runtime
/// (which does the whole job where ICU is on) this folds the compatibility characters that imitate
/// Latin text itself: fullwidth ASCII, the Latin ligatures and long s, mathematical, circled and
/// letterlike letters, super- and subscript digits, and the no-break and ideographic spaces.
/// </summary>
public static class CompatibilityForms
{
    public static string NormalizeKC(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var folded = new StringBuilder(normalized.Length);
        foreach (var rune in normalized.EnumerateRunes()) folded.Append(Fold(rune.Value) ?? rune.ToString());
        return folded.ToString();
    }

    private static string? Fold(int c) => c switch
    {
        >= 0xFF01 and <= 0xFF5E => ((char)(c - 0xFF01 + 0x21)).ToString(), // fullwidth ASCII
        0x00A0 or 0x3000 or (>= 0x2000 and <= 0x200A) or 0x202F or 0x205F => " ",
        0xFB00 => "ff",
        0xFB01 => "fi",
        0xFB02 => "fl",
        0xFB03 => "ffi",
        0xFB04 => "ffl",
        0xFB05 or 0xFB06 => "st",
        0x017F => "s",
        // Mathematical alphanumeric symbols: 13 alphabets of A-Z a-z, then 5 sets of digits.
        >= 0x1D400 and <= 0x1D6A3 => Letter((c - 0x1D400) % 52),
        >= 0x1D7CE and <= 0x1D7FF => ((char)('0' + (c - 0x1D7CE) % 10)).ToString(),
        >= 0x24B6 and <= 0x24CF => ((char)('A' + c - 0x24B6)).ToString(), // circled capitals
        >= 0x24D0 and <= 0x24E9 => ((char)('a' + c - 0x24D0)).ToString(), // circled small letters
        0x210A => "g",
        0x210E => "h",
        0x2113 => "l",
        0x212F => "e",
        0x2134 => "o",
        0x2139 => "i",
        0x212A => "K",
        0x00B9 => "1",
        0x00B2 => "2",
        0x00B3 => "3",
        0x2070 => "0",
        >= 0x2074 and <= 0x2079 => ((char)('4' + c - 0x2074)).ToString(),
        >= 0x2080 and <= 0x2089 => ((char)('0' + c - 0x2080)).ToString(),
        _ => null,
    };

    private static string Letter(int index) => ((char)(index < 26 ? 'A' + index : 'a' + index - 26)).ToString();
}
