using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Auth;

/// <summary>Authenticates apps by the <c>X-Api-Key</c> header as their tenant (or as a platform key), with the key's scopes.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IGrainFactory grains,
    ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>A 401 names the scheme the caller failed, as RFC 9110 asks of every 401.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
        return base.HandleChallengeAsync(properties);
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values)) return AuthenticateResult.NoResult();
        var key = values.ToString();
        if (!key.StartsWith("tg_", StringComparison.Ordinal) || key.Length > 200) return AuthenticateResult.Fail("Malformed API key.");
        var keyHash = Secrets.Hash(key);
        var identity = cache.Find(keyHash, out var expired);
        if (expired) return AuthenticateResult.Fail("Unknown, revoked or expired API key.");
        if (identity is null)
        {
            // Two silos' first use of a key both record it; the one that loses that race reloads the
            // key (revoked since, perhaps) and decides again, rather than failing the request.
            var version = cache.Version;
            var authenticated = await ConflictRetry.RunAsync(grains.GetGrain<IApiKeyGrain>(keyHash).Authenticate);
            if (authenticated is null) return AuthenticateResult.Fail("Unknown, revoked or expired API key.");
            cache.Add(keyHash, authenticated, version);
            identity = authenticated.Identity;
        }
        // A tenant's key is its tenant's; a platform key has no tenant, and acts for the one each request names.
        var claims = identity.TenantId is { } tenantId
            ? new List<Claim> { new(CallerClaims.TenantId, tenantId), new(CallerClaims.ApiKeyId, identity.KeyId) }
            : [new(CallerClaims.PlatformKeyId, identity.KeyId)];
        claims.AddRange(identity.Scopes.Select(scope => new Claim(CallerClaims.Scope, scope)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
