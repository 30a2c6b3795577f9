using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Auth;

public static class CallerClaims
{
    public const string TenantId = "tollgate:tenant";
    public const string ApiKeyId = "tollgate:api_key";
    public const string Scope = "scope";
}

/// <summary>Who is calling: a person (by access token) or an app (by API key).</summary>
public static class Caller
{
    public static string? UserId(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue(JwtRegisteredClaimNames.Sub) : null;

    public static string? ApiKeyTenant(this ClaimsPrincipal principal) => principal.FindFirstValue(CallerClaims.TenantId);

    public static AuditActor Actor(this HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var userAgent = context.UserAgent();
        return context.User.UserId() is { } userId
            ? AuditActor.User(userId, ip, userAgent)
            : AuditActor.ApiKey(context.User.FindFirstValue(CallerClaims.ApiKeyId) ?? "anonymous", ip, userAgent);
    }

    /// <summary>A payment provider posting its notification, named by <paramref name="provider"/>.</summary>
    public static AuditActor WebhookActor(this HttpContext context, string provider) =>
        new("webhook", provider, context.Connection.RemoteIpAddress?.ToString(), context.UserAgent());

    /// <summary>The caller's User-Agent as audit records keep it: at most 512 characters, null when none was sent.</summary>
    private static string? UserAgent(this HttpContext context) =>
        context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null;
}

/// <summary>The caller's standing in one tenant, or the problem to answer with.</summary>
public sealed record TenantAccess(TenantRole Role, ProblemHttpResult? Problem)
{
    public bool Denied => Problem is not null;
}

public static class TenantAccessFilters
{
    /// <summary>
    /// Lets the request through only for callers the route's {tenantId} allows
    /// <paramref name="permission"/>; the endpoint reads their role with <see cref="TenantRole(HttpContext)"/>.
    /// </summary>
    public static TBuilder RequireTenantPermission<TBuilder>(this TBuilder builder, TenantPermission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var tenantId = http.GetRouteValue("tenantId") as string ?? throw new InvalidOperationException("The route has no {tenantId}.");
            var access = await http.RequestServices.GetRequiredService<TenantGuard>().AuthorizeAsync(http.User, tenantId, permission);
            if (access.Denied) return access.Problem;
            http.Features.Set(access);
            return await next(context);
        });

    /// <summary>The caller's role in the route's tenant, as checked by <see cref="RequireTenantPermission"/>.</summary>
    public static TenantRole TenantRole(this HttpContext http) =>
        http.Features.Get<TenantAccess>()?.Role ?? throw new InvalidOperationException("The endpoint does not require a tenant permission.");
}

/// <summary>
/// Checks tenant access against the tenant grain on every request (never the token): outsiders get
/// 404 so they learn nothing about the tenant; members without the permission get 403.
/// </summary>
public sealed class TenantGuard(IGrainFactory grains)
{
    public async Task<TenantAccess> AuthorizeAsync(ClaimsPrincipal caller, string tenantId, TenantPermission permission)
    {
        var notFound = new TenantAccess(default, Problems.NotFound("The tenant"));
        if (caller.UserId() is { } userId)
        {
            var role = await grains.GetGrain<ITenantGrain>(tenantId).GetRole(userId);
            if (role is null) return notFound;
            return role.Value.Allows(permission)
                ? new TenantAccess(role.Value, null)
                : new TenantAccess(role.Value, Problems.Forbidden($"Your role ({role.Value.ToWire()}) does not allow this."));
        }
        if (caller.ApiKeyTenant() != tenantId) return notFound;
        return new TenantAccess(TenantRole.Member, Problems.Forbidden("API keys may only use the quota API; sign in as a member of the tenant."));
    }
}
