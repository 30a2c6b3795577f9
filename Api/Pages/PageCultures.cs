using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Tollgate.Api.Pages;

/// <summary>
/// The languages the pages are written in: English, and Simplified Chinese for <c>zh</c>, <c>zh-CN</c>, <c>zh-SG</c>
/// and <c>zh-Hans</c> (their parent culture). The choice comes from the language switch's cookie, else the browser's
/// <c>Accept-Language</c>; dates and numbers follow the same culture.
/// </summary>
public static class PageCultures
{
    public const string English = "en";
    public const string SimplifiedChinese = "zh-Hans";

    public sealed record Language(string Name, string Label);

    /// <summary>Each language under its own name, so a reader finds theirs whatever the page's language.</summary>
    public static readonly IReadOnlyList<Language> Offered = [new(English, "English"), new(SimplifiedChinese, "简体中文")];

    public static bool IsOffered(string? name) => Offered.Any(language => language.Name == name);

    public static void Configure(RequestLocalizationOptions options)
    {
        CultureInfo[] cultures = [.. Offered.Select(language => CultureInfo.GetCultureInfo(language.Name))];
        options.DefaultRequestCulture = new RequestCulture(English);
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        // The cookie first (the reader chose), then the browser's languages; no query string: links stay clean.
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
    }
}
