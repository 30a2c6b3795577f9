using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Auth;

public static class CallerClaims
{
    public const string TenantId = "tollgate:tenant";
    public const string ApiKeyId = "tollgate:api_key";
    /// <summary>The id of a platform key: an app acting for whichever tenant its request names (it has no tenant claim).</summary>
    public const string PlatformKeyId = "tollgate:platform_key";
    public const string Scope = "scope";
}

/// <summary>Who is calling: a person (by access token) or an app (by a tenant's API key or a platform key).</summary>
public static class Caller
{
    public static string? UserId(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue(JwtRegisteredClaimNames.Sub) : null;

    public static string? ApiKeyTenant(this ClaimsPrincipal principal) => principal.FindFirstValue(CallerClaims.TenantId);

    public static string? PlatformKeyId(this ClaimsPrincipal principal) => principal.FindFirstValue(CallerClaims.PlatformKeyId);

    public static AuditActor Actor(this HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var userAgent = context.UserAgent();
        if (context.User.UserId() is { } userId) return AuditActor.User(userId, ip, userAgent);
        if (context.User.PlatformKeyId() is { } platformKeyId) return AuditActor.PlatformKey(platformKeyId, ip, userAgent);
        return AuditActor.ApiKey(context.User.FindFirstValue(CallerClaims.ApiKeyId) ?? "anonymous", ip, userAgent);
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
    private const int MaxTenantIdLength = 100;

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
        if (caller.PlatformKeyId() is not null)
            return new TenantAccess(TenantRole.Member,
                Problems.Forbidden("Platform API keys may only use the quota, credits and usage APIs."));
        if (caller.ApiKeyTenant() != tenantId) return notFound;
        return new TenantAccess(TenantRole.Member, Problems.Forbidden("API keys may only use the quota API; sign in as a member of the tenant."));
    }

    /// <summary>
    /// The tenant a call to the quota, credits or usage API acts for, or the problem to answer: the one place that decides
    /// it. A tenant's API key acts for its own tenant (a <paramref name="tenantId"/> naming another is 404); a platform key
    /// for the tenant <paramref name="tenantId"/> names (required; 404 when there is none); either needs one of
    /// <paramref name="scopes"/>. A person names the tenant, and their role there must allow <paramref name="permission"/>.
    /// </summary>
    public async Task<(string? TenantId, ProblemHttpResult? Problem)> ActingForAsync(
        ClaimsPrincipal caller, string? tenantId, TenantPermission permission, params string[] scopes)
    {
        var keyTenant = caller.ApiKeyTenant();
        if (keyTenant is not null || caller.PlatformKeyId() is not null)
        {
            if (keyTenant is not null && tenantId is not null && tenantId != keyTenant) return (null, Problems.NotFound("The tenant"));
            if (keyTenant is null && string.IsNullOrWhiteSpace(tenantId))
                return (null, Problems.Field("tenantId",
                    "tenantId is required with a platform API key: it names the tenant the call is for."));
            if (!scopes.Any(scope => caller.HasClaim(CallerClaims.Scope, scope)))
                return (null, Problems.Forbidden($"This API key lacks the scope {string.Join(" or ", scopes)}."));
            if (keyTenant is not null) return (keyTenant, null);
            // Tenant ids are short: a longer one names no tenant, and wakes no grain.
            return tenantId!.Length <= MaxTenantIdLength && await grains.GetGrain<ITenantGrain>(tenantId).Get() is not null
                ? (tenantId, null)
                : (null, Problems.NotFound("The tenant"));
        }
        if (string.IsNullOrWhiteSpace(tenantId))
            return (null, Problems.Field("tenantId", "tenantId is required when calling with a user token."));
        var access = await AuthorizeAsync(caller, tenantId, permission);
        return access.Denied ? (null, access.Problem) : (tenantId, null);
    }
}
