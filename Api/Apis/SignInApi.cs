using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Tollgate.Api.Auth;
using Tollgate.Api.Pages;

namespace Tollgate.Api;

/// <summary>
/// Signing in to the pages: a server-rendered form whose post checks the password exactly as
/// <c>POST /v1/auth/login</c> does (same lockout), starts a session and sets the page cookie. Every
/// post carries an antiforgery token. Failures say only that the email or password is wrong; a
/// disabled account is named as such only once its password is right, as the API does.
/// </summary>
public static class SignInApi
{
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>Where a sign-in without a returnUrl lands.</summary>
    public const string DefaultReturnUrl = "/dashboard";

    public static IEndpointRouteBuilder MapSignInApi(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").WithTags("Pages").ExcludeFromDescription().AllowAnonymous();
        pages.MapGet(SignInPath, FormAsync);
        pages.MapPost(SignInPath, SignInAsync).RequireRateLimiting(RateLimitOptions.AuthPolicy);
        pages.MapPost(SignOutPath, SignOutAsync);
        return app;
    }

    private static IResult FormAsync(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        Form(http, antiforgery, StatusCodes.Status200OK, returnUrl, email: null, error: null);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, Sessions sessions)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
            return Form(http, antiforgery, StatusCodes.Status400BadRequest, http.Request.Query[ReturnUrlParameter], null,
                "The form expired or did not come from this site. Please try again.");
        // A valid token means the body was a form: the antiforgery check read it from there.
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string? email = form["email"], password = form["password"], returnUrl = form[ReturnUrlParameter];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
            return Form(http, antiforgery, StatusCodes.Status400BadRequest, returnUrl, email, "Enter your email and password.");
        // Settled before the password is checked: nothing after opening the session may fail, or the
        // session would be started and audited with no cookie to carry it.
        var destination = LocalUrl.OrDefault(returnUrl, DefaultReturnUrl);

        switch (await sessions.CheckPasswordAsync(email, password))
        {
            case LoginResult.Success success:
                var session = await sessions.OpenAsync(success.UserId, http.Actor());
                var (principal, properties) = PageCookie.Ticket(success.UserId, session);
                await http.SignInAsync(PageCookie.SchemeName, principal, properties);
                return TypedResults.Redirect(destination);
            case LoginResult.Disabled:
                return Form(http, antiforgery, StatusCodes.Status403Forbidden, returnUrl, email,
                    "This account has been disabled by the platform operator.");
            case LoginResult.LockedOut locked:
                var seconds = (int)Math.Ceiling(locked.RetryAfter.TotalSeconds);
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Form(http, antiforgery, StatusCodes.Status429TooManyRequests, returnUrl, email,
                    $"Too many failed sign-ins for this email. Try again in {seconds} seconds.");
            default:
                return Form(http, antiforgery, StatusCodes.Status401Unauthorized, returnUrl, email, "The email or password is wrong.");
        }
    }

    /// <summary>Ends the cookie's session (audited as a logout) and deletes the cookie.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains)
    {
        var signedIn = await http.AuthenticateAsync(PageCookie.SchemeName);
        if (signedIn.Succeeded)
        {
            // The page's token was issued to the signed-in user, so it is checked as that user.
            http.User = signedIn.Principal;
            if (!await antiforgery.IsRequestValidAsync(http))
                return HtmlPage.Result(StatusCodes.Status400BadRequest, "Sign out",
                    "<p class=\"error\">The form expired or did not come from this site.</p><p><a href=\"/ops\">Back</a></p>");
            if (PageCookie.Session(signedIn.Properties) is { } session)
                await grains.GetGrain<ISessionGrain>(session.SessionId).Logout(session.Secret, http.Actor());
        }
        // Without a live cookie there is nothing to end: only the stale cookie, if any, goes.
        await http.SignOutAsync(PageCookie.SchemeName);
        return TypedResults.Redirect(SignInPath);
    }

    private static IResult Form(HttpContext http, IAntiforgery antiforgery, int status, string? returnUrl, string? email, string? error)
    {
        var token = antiforgery.GetAndStoreTokens(http);
        var keep = LocalUrl.IsLocal(returnUrl) ? returnUrl : null;
        var body =
            (error is null ? "" : $"<p class=\"error\" role=\"alert\">{HtmlPage.Encode(error)}</p>") +
            $"<form method=\"post\" action=\"{SignInPath}\">" +
            $"<input type=\"hidden\" name=\"{HtmlPage.Encode(token.FormFieldName)}\" value=\"{HtmlPage.Encode(token.RequestToken)}\">" +
            (keep is null ? "" : $"<input type=\"hidden\" name=\"{ReturnUrlParameter}\" value=\"{HtmlPage.Encode(keep)}\">") +
            "<label>Email<input type=\"email\" name=\"email\" autocomplete=\"username\" required " +
            $"value=\"{HtmlPage.Encode(email?.Trim())}\"></label>" +
            "<label>Password<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>" +
            "<button type=\"submit\">Sign in</button></form>";
        return HtmlPage.Result(status, "Sign in", body);
    }
}
