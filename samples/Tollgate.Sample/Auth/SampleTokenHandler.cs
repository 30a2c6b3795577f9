using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tollgate.Sample.Auth;

/// <summary>
/// The sample's own sign-in, standing in for whatever an app really uses: <c>Authorization: Bearer {token}</c>, each token
/// (from <c>Sample:Users</c>) a user of one Tollgate tenant, named by the <c>tollgate_tenant</c> claim the guards read.
/// </summary>
public sealed class SampleTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SampleToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return Task.FromResult(AuthenticateResult.NoResult());
        var token = header["Bearer ".Length..].Trim();
        var user = configuration.GetSection("Sample:Users").GetChildren()
            .FirstOrDefault(candidate => candidate["Token"] is { Length: > 0 } known && known == token);
        if (user is null) return Task.FromResult(AuthenticateResult.Fail("Unknown token."));
        Claim[] claims = [new(ClaimTypes.Name, user.Key), new("tollgate_tenant", user["TenantId"] ?? "")];
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
