using Microsoft.AspNetCore.Antiforgery;
using Tollgate.Api.Auth;
using Tollgate.Api.Pages;

namespace Tollgate.Api;

/// <summary>The operators' landing page: who is signed in, and a way out. The dashboard hangs off the same policy.</summary>
public static class OpsApi
{
    public const string Path = "/ops";

    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, PageAsync).WithTags("Pages").ExcludeFromDescription()
            .RequireAuthorization(AuthorizationPolicies.PlatformOperatorPage);
        return app;
    }

    private static async Task<IResult> PageAsync(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains)
    {
        var user = await grains.GetGrain<IUserGrain>(http.User.UserId()!).GetProfile();
        var token = antiforgery.GetAndStoreTokens(http);
        var body =
            $"<p>Signed in as <strong>{HtmlPage.Encode(user?.Name)}</strong> ({HtmlPage.Encode(user?.Email)}), platform operator.</p>" +
            $"<p><a href=\"{SignInApi.DefaultReturnUrl}\">Dashboard</a></p>" +
            $"<form method=\"post\" action=\"{SignInApi.SignOutPath}\">" +
            $"<input type=\"hidden\" name=\"{HtmlPage.Encode(token.FormFieldName)}\" value=\"{HtmlPage.Encode(token.RequestToken)}\">" +
            "<button type=\"submit\">Sign out</button></form>";
        return HtmlPage.Result(StatusCodes.Status200OK, "Tollgate operations", body);
    }
}
