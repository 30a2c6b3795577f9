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
        var userAgent = context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null;
        return context.User.UserId() is { } userId
            ? AuditActor.User(userId, ip, userAgent)
            : AuditActor.ApiKey(context.User.FindFirstValue(CallerClaims.ApiKeyId) ?? "anonymous", ip, userAgent);
    }
}

/// <summary>The caller's standing in one tenant, or the problem to answer with.</summary>
public sealed record TenantAccess(TenantRole Role, ProblemHttpResult? Problem)
{
    public bool Denied => Problem is not null;
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
