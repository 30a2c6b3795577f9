namespace Tollgate.Api.Pages;

/// <summary>
/// Where a page may send the browser after signing in: only a path on this site, so a link such as
/// <c>/signin?returnUrl=https://evil.example</c> cannot turn a sign-in into a redirect elsewhere.
/// </summary>
public static class LocalUrl
{
    public static string OrDefault(string? url, string fallback) => IsLocal(url) ? url! : fallback;

    /// <summary>
    /// A path starting with a single <c>/</c>. Browsers read <c>//host</c> and <c>/\host</c> as another
    /// host and ignore tabs and newlines inside a URL, so those are refused, as are other control characters.
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
