using System.Globalization;
using System.Text;

namespace Tollgate.Api.Pages;

/// <summary>
/// Where a page may send the browser after signing in: only a path on this site, so a link such as
/// <c>/signin?returnUrl=https://evil.example</c> cannot turn a sign-in into a redirect elsewhere.
/// </summary>
public static class LocalUrl
{
    /// <summary>
    /// <paramref name="url"/> as a <c>Location</c> header can carry it if it is local, else <paramref name="fallback"/>.
    /// </summary>
    public static string OrDefault(string? url, string fallback) => IsLocal(url) ? Escape(url!) : fallback;

    /// <summary>
    /// A path starting with a single <c>/</c>. Browsers read <c>//host</c> and <c>/\host</c> as another
    /// host and ignore tabs and newlines inside a URL, so those are refused, as are other control characters.
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    /// <summary>
    /// Percent-encodes, as UTF-8, spaces and everything outside ASCII: a header carries ASCII only (Kestrel
    /// refuses to send anything else), and a browser reads <c>/%C3%A9</c> as the path <c>/é</c>. The rest stays
    /// as written, escapes included, and still starts with one <c>/</c>.
    /// </summary>
    private static string Escape(string url)
    {
        if (url.All(c => c is > ' ' and < '\x7f')) return url;
        var escaped = new StringBuilder(url.Length * 3);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes()) // a lone surrogate comes out as U+FFFD
        {
            if (rune.Value is > ' ' and < 0x7f)
            {
                escaped.Append((char)rune.Value);
                continue;
            }
            foreach (var b in utf8[..rune.EncodeToUtf8(utf8)]) escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }
}
