using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.JsonWebTokens;
using Tollgate.Api.Pages.Layout;

namespace Tollgate.Api.Auth;

/// <summary>
/// The cookie that signs a person in for pages (<c>/signin</c>, the portal, <c>/ops</c>, the dashboard). Only
/// page endpoints name this scheme; the JSON API keeps its default (API key, then bearer token), so
/// a cookie never authenticates a <c>/v1</c> call and so cannot be ridden by cross-site requests there.
/// </summary>
public static class PageCookie
{
    public const string SchemeName = "PageCookie";
    public const string CookieName = "tollgate.pages";

    /// <summary>
    /// Fixed, not sliding: a sign-in lasts a working day, then the operator signs in again. The cookie
    /// itself is a browser-session cookie, so closing the browser ends it sooner.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>The ticket item holding the session's refresh token, so signing out can end the session as logout does.</summary>
    private const string RefreshTokenItem = "tollgate.refresh";

    public static AuthenticationBuilder AddPageCookie(this AuthenticationBuilder builder) =>
        builder.AddCookie(SchemeName, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.IsEssential = true;
            options.ExpireTimeSpan = Lifetime;
            options.SlidingExpiration = false;
            options.LoginPath = SignInApi.SignInPath;
            options.ReturnUrlParameter = SignInApi.ReturnUrlParameter;
            options.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = ValidateAsync,
                // A path, not the absolute URL ASP.NET Core would build from the request's Host header,
                // which the client chooses: a Host of evil.example must not send the browser there.
                OnRedirectToLogin = context =>
                {
                    var request = context.Request;
                    context.Response.Redirect(request.PathBase + SignInApi.SignInPath
                        + QueryString.Create(SignInApi.ReturnUrlParameter, request.PathBase + request.Path + request.QueryString));
                    return Task.CompletedTask;
                },
                // Signed in but not allowed: say so instead of redirecting to a page that does not exist.
                OnRedirectToAccessDenied = context =>
                    new RazorComponentResult<StatusPage>(new { Status = StatusCodes.Status403Forbidden })
                    {
                        StatusCode = StatusCodes.Status403Forbidden,
                    }.ExecuteAsync(context.HttpContext),
            };
        });

    /// <summary>The principal a new cookie carries: the user and the session it belongs to.</summary>
    public static (ClaimsPrincipal Principal, AuthenticationProperties Properties) Ticket(string userId, RefreshToken session)
    {
        var identity = new ClaimsIdentity(
            [new Claim(JwtRegisteredClaimNames.Sub, userId), new Claim(JwtRegisteredClaimNames.Sid, session.SessionId)],
            SchemeName, JwtRegisteredClaimNames.Sub, roleType: null);
        var properties = new AuthenticationProperties { IsPersistent = false, AllowRefresh = false };
        properties.Items[RefreshTokenItem] = session.ToString();
        return (new ClaimsPrincipal(identity), properties);
    }

    public static RefreshToken? Session(AuthenticationProperties? properties) =>
        properties?.Items.TryGetValue(RefreshTokenItem, out var token) == true ? RefreshToken.Parse(token) : null;

    /// <summary>
    /// On every request, like the bearer check: a revoked or expired session, or a disabled or deleted
    /// user, refuses the cookie at once (and deletes it), instead of when it expires.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var userId = context.Principal?.UserId();
        var sessionId = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sid);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<Sessions>();
        if (userId is not null && sessionId is not null && await sessions.LiveUserAsync(userId, sessionId) is not null) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(SchemeName);
    }
}
