using System.Collections.Frozen;
using System.Text;

namespace Tollgate.Grains.Identity;

/// <summary>
/// The look-alike form of a normalized (NFKC, lower-cased) email: each character that is commonly
/// mistaken for a Latin letter is replaced by that letter, so "pаypal@example.com" with a Cyrillic
/// "а" and "paypa1@example.com" share the skeleton of "paypal@example.com". Two addresses with one
/// skeleton are one person to a reader, so only the first registers.
/// </summary>
/// <remarks>
/// Deliberately small, not Unicode's full confusables table: the lower-case Cyrillic and Greek
/// letters that look like Latin ones (а, е, о, р, с, х, у, і, ј, ѕ, ... and α, ο, ρ, ν, ι, ...), the digits 0 (o) and 1 (l), and the Latin dotless i. Fullwidth
/// and other compatibility forms are already folded by NFKC before this runs. Accents are kept.
/// </remarks>
public static class EmailSkeleton
{
    private static readonly FrozenDictionary<char, char> s_lookAlikes = new Dictionary<char, char>
    {
        // Cyrillic
        ['а'] = 'a', ['с'] = 'c', ['ԁ'] = 'd', ['е'] = 'e', ['һ'] = 'h', ['і'] = 'i', ['ј'] = 'j', ['ӏ'] = 'l', ['о'] = 'o',
        ['р'] = 'p', ['ԛ'] = 'q', ['г'] = 'r', ['ѕ'] = 's', ['ѵ'] = 'v', ['ԝ'] = 'w', ['х'] = 'x', ['у'] = 'y', ['ү'] = 'y',
        // Greek
        ['α'] = 'a', ['ϲ'] = 'c', ['η'] = 'n', ['ι'] = 'i', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p', ['υ'] = 'u', ['χ'] = 'x',
        ['γ'] = 'y',
        // Latin and digits
        ['ı'] = 'i', ['0'] = 'o', ['1'] = 'l',
    }.ToFrozenDictionary();

    public static string Of(string normalizedEmail)
    {
        var skeleton = new StringBuilder(normalizedEmail.Length);
        foreach (var c in normalizedEmail) skeleton.Append(s_lookAlikes.GetValueOrDefault(c, c));
        return skeleton.ToString();
    }
}
