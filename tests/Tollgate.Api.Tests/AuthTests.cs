using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

public sealed class AuthTests : ApiTestBase
{
    [Fact]
    public async Task Register_log_in_refresh_and_log_out()
    {
        var alice = await Api.RegisterAsync(" Alice@Example.COM ", name: "Alice");

        var me = await Json(await Api.As(alice.AccessToken).GetAsync("/v1/me"));
        Assert.Equal("alice@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Alice", me.GetProperty("name").GetString());
        var tenant = Assert.Single(me.GetProperty("tenants").EnumerateArray());
        Assert.Equal(alice.TenantId, tenant.GetProperty("id").GetString());
        Assert.Equal("owner", tenant.GetProperty("role").GetString());

        var login = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "ALICE@example.com", password = alice.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await Json(login);
        Assert.Equal(900, tokens.GetProperty("expiresIn").GetInt32());

        var refreshed = await Json(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }));
        var refreshToken = refreshed.GetProperty("refreshToken").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Api.As(refreshed.GetProperty("accessToken").GetString()!).GetAsync("/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/logout", new { refreshToken })).StatusCode);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken }), HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_the_same_401()
    {
        await Api.RegisterAsync("bob@example.com");

        var unknown = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "nobody@example.com", password = "whatever-1" });
        var wrong = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "bob@example.com", password = "whatever-1" });

        await AssertProblem(unknown, HttpStatusCode.Unauthorized, "invalid_credentials");
        await AssertProblem(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        var (a, b) = (await Json(unknown), await Json(wrong));
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Five_failures_lock_the_email_out_until_the_window_passes()
    {
        var carol = await Api.RegisterAsync("carol@example.com");
        for (var i = 0; i < 5; i++)
            await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = carol.Email, password = "wrong-pass" }), HttpStatusCode.Unauthorized);

        var locked = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = carol.Email, password = carol.Password });

        await AssertProblem(locked, HttpStatusCode.TooManyRequests, "too_many_attempts");
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 15 * 60);

        Api.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = carol.Email, password = carol.Password })).StatusCode);
        Api.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = carol.Email, password = carol.Password })).StatusCode);
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_every_token_of_that_login()
    {
        var dan = await Api.RegisterAsync("dan@example.com");
        var other = await Json(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = dan.Email, password = dan.Password }));
        var second = await Json(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = dan.RefreshToken }));

        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = dan.RefreshToken }), HttpStatusCode.Unauthorized);

        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        var revoked = (await Json(await ops.GetAsync("/v1/admin/audit-log?action=session.revoked"))).GetProperty("items");
        Assert.Equal("refresh token reused", Assert.Single(revoked.EnumerateArray()).GetProperty("after").GetProperty("reason").GetString());

        // The token that replaced the spent one is dead too; another login is untouched.
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = second.GetProperty("refreshToken").GetString() }), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = other.GetProperty("refreshToken").GetString() })).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_revokes_refresh_tokens_and_the_new_password_works()
    {
        var erin = await Api.RegisterAsync("erin@example.com");
        var client = Api.As(erin.AccessToken);

        await AssertProblem(await client.PostAsJsonAsync("/v1/me/password", new { currentPassword = "not-it-at-all", newPassword = "new-password-1" }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.PostAsJsonAsync("/v1/me/password", new { currentPassword = erin.Password, newPassword = "short" }), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/v1/me/password", new { currentPassword = erin.Password, newPassword = "new-password-1" })).StatusCode);

        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = erin.RefreshToken }), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = erin.Email, password = erin.Password }), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = erin.Email, password = "new-password-1" })).StatusCode);
    }

    [Fact]
    public async Task The_profile_name_can_be_changed()
    {
        var fay = await Api.RegisterAsync("fay@example.com");
        var client = Api.As(fay.AccessToken);

        var patched = await client.PatchAsJsonAsync("/v1/me", new { name = "  Fay Ö. Wray  " });

        Assert.Equal("Fay Ö. Wray", (await Json(patched)).GetProperty("name").GetString());
        Assert.Equal("Fay Ö. Wray", (await Json(await client.GetAsync("/v1/me"))).GetProperty("name").GetString());
        await AssertProblem(await client.PatchAsJsonAsync("/v1/me", new { name = "" }), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Requests_without_valid_credentials_get_401()
    {
        await AssertProblem(await Api.Anonymous().GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.As("not-a-jwt").GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.WithApiKey("tg_forged").GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Of_concurrent_registrations_with_one_email_exactly_one_succeeds()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = i % 2 == 0 ? "gil@example.com" : "GIL@example.com ", password = $"long-password-{i}" })));

        var created = Assert.Single(attempts, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var conflict in attempts.Where(r => r != created)) await AssertProblem(conflict, HttpStatusCode.Conflict, "email_taken");
        var winner = Array.IndexOf(attempts, created);
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "gil@example.com", password = $"long-password-{winner}" })).StatusCode);
        var operatorClient = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        Assert.Single((await Json(await operatorClient.GetAsync("/v1/admin/users?email=gil@example.com"))).EnumerateArray());
    }
}
