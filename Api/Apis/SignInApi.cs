using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Tollgate.Api.Auth;

namespace Tollgate.Api;

/// <summary>
/// Where the page cookie begins and ends. Signing in is the <c>/signin</c> page (Pages/Account/SignIn.razor); signing
/// out is a post from any page's header, which ends the cookie's session exactly as logout does.
/// </summary>
public static class SignInApi
{
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>Where a sign-in without a returnUrl lands: the portal, which sends an operator on to /ops.</summary>
    public const string DefaultReturnUrl = "/app";

    public static IEndpointRouteBuilder MapSignInApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(SignOutPath, SignOutAsync).WithTags("Pages").ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>Ends the cookie's session (audited as a logout) and deletes the cookie.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains)
    {
        var signedIn = await http.AuthenticateAsync(PageCookie.SchemeName);
        if (signedIn.Succeeded)
        {
            // The page's token was issued to the signed-in user, so it is checked as that user.
            http.User = signedIn.Principal;
            if (!await antiforgery.IsRequestValidAsync(http)) return TypedResults.BadRequest(); // the status page explains
            if (PageCookie.Session(signedIn.Properties) is { } session)
                await grains.GetGrain<ISessionGrain>(session.SessionId).Logout(session.Secret, http.Actor());
        }
        // Without a live cookie there is nothing to end: only the stale cookie, if any, goes.
        await http.SignOutAsync(PageCookie.SchemeName);
        return TypedResults.Redirect(SignInPath);
    }
}
