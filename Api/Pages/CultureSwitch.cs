using Microsoft.AspNetCore.Localization;

namespace Tollgate.Api.Pages;

/// <summary>
/// <c>GET /culture?set=zh-Hans&amp;returnUrl=/app</c>: keeps the chosen language in a cookie for a year and goes back to
/// the page it was chosen on. A link rather than a form: choosing a language changes nothing anyone else sees.
/// </summary>
public static class CultureSwitch
{
    public const string Path = "/culture";

    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Switch).WithTags("Pages").ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>The link that switches to <paramref name="culture"/> and comes back to the current page.</summary>
    public static string Link(string culture, HttpContext http) =>
        Path + QueryString.Create(new Dictionary<string, string?>
        {
            ["set"] = culture,
            ["returnUrl"] = http.Request.Path + http.Request.QueryString,
        });

    private static IResult Switch(HttpContext http, string? set, string? returnUrl)
    {
        if (PageCultures.IsOffered(set))
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(set!)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        return TypedResults.Redirect(LocalUrl.OrDefault(returnUrl, PortalPaths.Home));
    }
}
