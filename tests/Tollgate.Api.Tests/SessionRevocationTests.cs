using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tollgate.Api.Auth;

namespace Tollgate.Api.Tests;

/// <summary>An access token is refused as soon as its login (session) ends, not when it expires.</summary>
public sealed class SessionRevocationTests(SharedApi shared) : SharedApiTestBase(shared)
{
    [Fact]
    public async Task Logging_out_refuses_that_logins_access_token_at_once()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var other = await Json(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = alice.Email, password = alice.Password }));
        Assert.Equal(HttpStatusCode.OK, (await Api.As(alice.AccessToken).GetAsync("/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/logout", new { refreshToken = alice.RefreshToken })).StatusCode);

        await AssertProblem(await Api.As(alice.AccessToken).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Api.As(other.GetProperty("accessToken").GetString()!).GetAsync("/v1/me")).StatusCode); // another login stays
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_refuses_every_access_token_of_that_login()
    {
        var bob = await Api.RegisterAsync("bob@example.com");
        var rotated = await Json(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = bob.RefreshToken }));
        var newer = rotated.GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Api.As(newer).GetAsync("/v1/me")).StatusCode);

        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = bob.RefreshToken }), HttpStatusCode.Unauthorized);

        await AssertProblem(await Api.As(bob.AccessToken).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.As(newer).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Changing_the_password_refuses_the_access_tokens_of_every_earlier_login()
    {
        var carol = await Api.RegisterAsync("carol@example.com");
        var second = (await Json(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = carol.Email, password = carol.Password })))
            .GetProperty("accessToken").GetString()!;

        Assert.Equal(HttpStatusCode.NoContent, (await Api.As(carol.AccessToken)
            .PostAsJsonAsync("/v1/me/password", new { currentPassword = carol.Password, newPassword = "a-new-long-password" })).StatusCode);

        await AssertProblem(await Api.As(carol.AccessToken).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.As(second).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        var fresh = await Json(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = carol.Email, password = "a-new-long-password" }));
        Assert.Equal(HttpStatusCode.OK, (await Api.As(fresh.GetProperty("accessToken").GetString()!).GetAsync("/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Disabling_the_user_refuses_their_access_tokens_at_once()
    {
        var dan = await Api.RegisterAsync("dan@example.com");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);

        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/v1/admin/users/{dan.UserId}/disable", null)).StatusCode);

        await AssertProblem(await Api.As(dan.AccessToken).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.As(dan.AccessToken).GetAsync($"/v1/tenants/{dan.TenantId}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_validly_signed_token_naming_an_unknown_session_or_none_is_refused()
    {
        var erin = await Api.RegisterAsync("erin@example.com");
        var tokens = Api.Services.GetRequiredService<AccessTokens>();
        var (unknownSession, _) = tokens.Issue(erin.UserId, "ses_00000000000000000000000000000000");
        var now = DateTime.UtcNow;
        var noSession = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AccessTokens.Issuer, Audience = AccessTokens.Audience, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, erin.UserId)]),
            SigningCredentials = new SigningCredentials(tokens.Key, SecurityAlgorithms.HmacSha256),
        });

        await AssertProblem(await Api.As(unknownSession).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.As(noSession).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Api.As(erin.AccessToken).GetAsync("/v1/me")).StatusCode); // the real one works
    }
}
