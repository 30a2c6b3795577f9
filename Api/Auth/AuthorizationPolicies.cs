using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Auth;

public static class AuthorizationPolicies
{
    /// <summary>A person signed in with an access token.</summary>
    public const string User = "user";

    /// <summary>A person or an app (API key); tenant routes then check the tenant itself.</summary>
    public const string Caller = "caller";

    /// <summary>
    /// Pages for the platform operator (<c>/ops</c>, the dashboard): signed in by the page cookie only.
    /// Without a live cookie the browser is sent to <c>/signin?returnUrl=...</c>; anyone else signed in gets 403.
    /// </summary>
    public const string PlatformOperatorPage = "PlatformOperatorPage";

    /// <summary>
    /// The customer portal's pages (<c>/app</c>): anyone signed in by the page cookie; a tenant's pages then check the
    /// person's role there (<see cref="Pages.TenantPageAttribute"/>). Without a live cookie the browser is sent to sign in.
    /// </summary>
    public const string Page = "Page";

    public static AuthorizationBuilder AddTollgatePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(User, policy => policy.RequireAuthenticatedUser().RequireClaim(JwtRegisteredClaimNames.Sub))
        .AddPolicy(Caller, policy => policy.RequireAuthenticatedUser())
        .AddPolicy(Page, policy => policy.AddAuthenticationSchemes(PageCookie.SchemeName).RequireAuthenticatedUser())
        .AddPolicy(PlatformOperatorPage, policy => policy
            .AddAuthenticationSchemes(PageCookie.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new PlatformOperatorRequirement()));

    /// <summary>Lets only platform operators through, checked against the user grain on every call.</summary>
    public static RouteGroupBuilder RequireOperator(this RouteGroupBuilder group) =>
        group.RequireAuthorization(User).AddEndpointFilter(async (context, next) =>
        {
            var grains = context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>();
            var profile = await grains.GetGrain<IUserGrain>(context.HttpContext.User.UserId()!).GetProfile();
            return profile is { IsOperator: true } ? await next(context) : Problems.Forbidden("Only platform operators may do this.");
        });
}
