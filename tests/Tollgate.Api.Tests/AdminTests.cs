using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

public sealed class AdminTests : ApiTestBase
{
    [Fact]
    public async Task The_operator_lists_tenants_and_finds_users_by_email()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);

        var tenants = (await Json(await ops.GetAsync("/v1/admin/tenants"))).EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        var found = Assert.Single((await Json(await ops.GetAsync("/v1/admin/users?email=ALICE@example.com"))).EnumerateArray());
        var all = (await Json(await ops.GetAsync("/v1/admin/users"))).EnumerateArray().Select(u => u.GetProperty("email").GetString()).ToList();

        Assert.Contains(alice.TenantId, tenants);
        Assert.Equal(alice.UserId, found.GetProperty("id").GetString());
        Assert.Contains("alice@example.com", all);
        Assert.Contains(ApiFactory.OperatorEmail, all);
        Assert.Empty((await Json(await ops.GetAsync("/v1/admin/users?email=nobody@example.com"))).EnumerateArray());
    }

    [Fact]
    public async Task Only_operators_reach_admin_routes()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var client = Api.As(alice.AccessToken);

        await AssertProblem(await client.GetAsync("/v1/admin/tenants"), HttpStatusCode.Forbidden);
        await AssertProblem(await client.GetAsync("/v1/admin/audit-log"), HttpStatusCode.Forbidden);
        await AssertProblem(await client.PostAsync($"/v1/admin/users/{alice.UserId}/disable", null), HttpStatusCode.Forbidden);
        await AssertProblem(await Api.Anonymous().GetAsync("/v1/admin/users"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_disabled_user_cannot_log_in_refresh_or_use_a_token_until_enabled()
    {
        var bob = await Api.RegisterAsync("bob@example.com");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);

        var disabled = await Json(await ops.PostAsync($"/v1/admin/users/{bob.UserId}/disable", null));

        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        await AssertProblem(await Api.As(bob.AccessToken).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = bob.Email, password = bob.Password }), HttpStatusCode.Forbidden, "account_disabled");
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = bob.RefreshToken }), HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/v1/admin/users/{bob.UserId}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = bob.Email, password = bob.Password })).StatusCode);
        await AssertProblem(await ops.PostAsync("/v1/admin/users/usr_nobody/disable", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_operator_cannot_disable_themself_and_bootstrap_is_idempotent()
    {
        var operatorAccount = await Api.LoginOperatorAsync();

        await AssertProblem(await Api.As(operatorAccount.AccessToken).PostAsync($"/v1/admin/users/{operatorAccount.UserId}/disable", null), HttpStatusCode.Conflict);

        var again = await StartAsync(); // a second start on the same storage bootstraps again
        var relogin = await again.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = ApiFactory.OperatorEmail, password = ApiFactory.OperatorPassword });
        Assert.Equal(HttpStatusCode.OK, relogin.StatusCode);
        var operators = (await Json(await again.As((await Json(relogin)).GetProperty("accessToken").GetString()!).GetAsync("/v1/admin/users")))
            .EnumerateArray().Count(u => u.GetProperty("isOperator").GetBoolean());
        Assert.Equal(1, operators);
    }
}
