using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

/// <summary>The role matrix, owner protection and tenant isolation.</summary>
public sealed class TenantAccessTests(SharedApi shared) : SharedApiTestBase(shared)
{
    private static readonly string[] Roles = ["owner", "admin", "billing", "member"];

    private sealed record Tenant(string Id, Dictionary<string, Account> ByRole);

    private async Task<Tenant> TenantWithEveryRoleAsync()
    {
        var owner = await Api.RegisterAsync($"owner-{Guid.NewGuid():N}@example.com");
        var byRole = new Dictionary<string, Account> { ["owner"] = owner };
        foreach (var role in Roles.Skip(1))
        {
            var account = await Api.RegisterAsync($"{role}-{Guid.NewGuid():N}@example.com");
            await Api.AddMemberAsync(owner, owner.TenantId, account, role);
            byRole[role] = account;
        }
        return new Tenant(owner.TenantId, byRole);
    }

    /// <summary>Each action, the roles allowed to do it, and how to try it (fresh targets each time).</summary>
    private IEnumerable<(string Action, string[] Allowed, Func<Tenant, HttpClient, Task<HttpResponseMessage>> Try)> Actions()
    {
        yield return ("read tenant", Roles, (t, c) => c.GetAsync($"/v1/tenants/{t.Id}"));
        yield return ("update settings", ["owner", "admin"], (t, c) => c.PatchAsJsonAsync($"/v1/tenants/{t.Id}", new { settings = new { billingEmail = "billing@example.com" } }));
        yield return ("list members", Roles, (t, c) => c.GetAsync($"/v1/tenants/{t.Id}/members"));
        yield return ("invite member", ["owner", "admin"], (t, c) =>
            c.PostAsJsonAsync($"/v1/tenants/{t.Id}/invitations", new { email = $"new-{Guid.NewGuid():N}@example.com", role = "member" }));
        yield return ("list invitations", ["owner", "admin"], (t, c) => c.GetAsync($"/v1/tenants/{t.Id}/invitations"));
        yield return ("revoke invitation", ["owner", "admin"], async (t, c) => await c.DeleteAsync($"/v1/tenants/{t.Id}/invitations/{await FreshInvitationAsync(t)}"));
        yield return ("change role", ["owner", "admin"], async (t, c) => await c.PatchAsJsonAsync($"/v1/tenants/{t.Id}/members/{await FreshMemberAsync(t)}", new { role = "billing" }));
        yield return ("remove member", ["owner", "admin"], async (t, c) => await c.DeleteAsync($"/v1/tenants/{t.Id}/members/{await FreshMemberAsync(t)}"));
        yield return ("create API key", ["owner", "admin"], (t, c) => c.PostAsJsonAsync($"/v1/tenants/{t.Id}/api-keys", new { name = "k", scopes = new[] { "quota:read" } }));
        yield return ("list API keys", Roles, (t, c) => c.GetAsync($"/v1/tenants/{t.Id}/api-keys"));
        yield return ("revoke API key", ["owner", "admin"], async (t, c) => await c.DeleteAsync($"/v1/tenants/{t.Id}/api-keys/{await FreshKeyAsync(t)}"));
        yield return ("read audit log", ["owner", "admin"], (t, c) => c.GetAsync($"/v1/tenants/{t.Id}/audit-log"));
        yield return ("export audit log", ["owner", "admin"], (t, c) => c.GetAsync($"/v1/tenants/{t.Id}/audit-log?format=csv"));
        yield return ("read alert settings", Roles, (t, c) => c.GetAsync($"/v1/tenants/{t.Id}/alerts"));
        yield return ("change alert settings", ["owner", "admin"], (t, c) =>
            c.PutAsJsonAsync($"/v1/tenants/{t.Id}/alerts", new { quotaPercents = new[] { 90 } }));
    }

    [Fact]
    public async Task Each_role_may_do_exactly_what_the_matrix_allows()
    {
        var tenant = await TenantWithEveryRoleAsync();
        var failures = new List<string>();

        foreach (var (action, allowed, attempt) in Actions())
            foreach (var role in Roles)
            {
                var response = await attempt(tenant, Api.As(tenant.ByRole[role].AccessToken));
                var ok = allowed.Contains(role) ? response.IsSuccessStatusCode : response.StatusCode == HttpStatusCode.Forbidden;
                if (!ok) failures.Add($"{role} / {action}: {(int)response.StatusCode}");
            }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Outsiders_get_404_on_every_url_of_the_tenant_and_nothing_changes()
    {
        var tenant = await TenantWithEveryRoleAsync();
        var outsider = await Api.RegisterAsync("outsider@example.com");
        var outsiderKey = await Api.IssueApiKeyAsync(outsider, "quota:consume");
        var failures = new List<string>();

        foreach (var (action, _, attempt) in Actions())
            foreach (var (who, client) in new[] { ("user", Api.As(outsider.AccessToken)), ("API key", Api.WithApiKey(outsiderKey)) })
            {
                var response = await attempt(tenant, client);
                if (response.StatusCode != HttpStatusCode.NotFound) failures.Add($"{who} / {action}: {(int)response.StatusCode}");
            }
        // Unknown tenants look the same as other people's.
        var unknown = await Api.As(outsider.AccessToken).GetAsync("/v1/tenants/ten_00000000000000000000000000000000");

        Assert.Empty(failures);
        await AssertProblem(unknown, HttpStatusCode.NotFound, "not_found");
        var settings = await Json(await Api.As(tenant.ByRole["owner"].AccessToken).GetAsync($"/v1/tenants/{tenant.Id}"));
        Assert.Equal(JsonValueKindNull, settings.GetProperty("settings").GetProperty("billingEmail").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task Admins_cannot_touch_owners_and_a_tenant_always_keeps_an_owner()
    {
        var tenant = await TenantWithEveryRoleAsync();
        var owner = tenant.ByRole["owner"];
        var admin = Api.As(tenant.ByRole["admin"].AccessToken);
        var newcomer = await Api.RegisterAsync("newcomer@example.com");

        await AssertProblem(await admin.PostAsJsonAsync($"/v1/tenants/{tenant.Id}/invitations", new { email = newcomer.Email, role = "owner" }), HttpStatusCode.Forbidden);
        var ownerInvitation = await Json(await Api.As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{tenant.Id}/invitations", new { email = newcomer.Email, role = "owner" }));
        await AssertProblem(await admin.DeleteAsync($"/v1/tenants/{tenant.Id}/invitations/{ownerInvitation.GetProperty("id").GetString()}"), HttpStatusCode.Forbidden);
        await AssertProblem(await admin.PatchAsJsonAsync($"/v1/tenants/{tenant.Id}/members/{owner.UserId}", new { role = "member" }), HttpStatusCode.Forbidden);
        await AssertProblem(await admin.DeleteAsync($"/v1/tenants/{tenant.Id}/members/{owner.UserId}"), HttpStatusCode.Forbidden);
        await AssertProblem(await admin.PatchAsJsonAsync($"/v1/tenants/{tenant.Id}/members/{tenant.ByRole["member"].UserId}", new { role = "owner" }), HttpStatusCode.Forbidden);

        var ownerClient = Api.As(owner.AccessToken);
        await AssertProblem(await ownerClient.PatchAsJsonAsync($"/v1/tenants/{tenant.Id}/members/{owner.UserId}", new { role = "admin" }), HttpStatusCode.Conflict);
        await AssertProblem(await ownerClient.DeleteAsync($"/v1/tenants/{tenant.Id}/members/{owner.UserId}"), HttpStatusCode.Conflict);

        // With a second owner, the first may step down.
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.PatchAsJsonAsync($"/v1/tenants/{tenant.Id}/members/{tenant.ByRole["admin"].UserId}", new { role = "owner" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ownerClient.DeleteAsync($"/v1/tenants/{tenant.Id}/members/{owner.UserId}")).StatusCode);
        await AssertProblem(await ownerClient.GetAsync($"/v1/tenants/{tenant.Id}"), HttpStatusCode.NotFound);
        var formerTenants = (await Json(await ownerClient.GetAsync("/v1/me"))).GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("id").GetString());
        Assert.DoesNotContain(tenant.Id, formerTenants);
    }

    [Fact]
    public async Task Invitations_need_a_valid_email_and_a_known_role_are_sent_once_and_make_members_on_acceptance()
    {
        var owner = await Api.RegisterAsync("o@example.com");
        var client = Api.As(owner.AccessToken);
        var member = await Api.RegisterAsync("m@example.com");
        var url = $"/v1/tenants/{owner.TenantId}/invitations";

        await AssertProblem(await client.PostAsJsonAsync(url, new { email = member.Email, role = "king" }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.PostAsJsonAsync(url, new { email = member.Email, role = "1" }), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await client.PostAsJsonAsync(url, new { email = "not-an-email", role = "member" }), HttpStatusCode.BadRequest, "validation_failed");
        var invited = await client.PostAsJsonAsync(url, new { email = " M@example.com", role = "Billing" });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        await AssertProblem(await client.PostAsJsonAsync(url, new { email = member.Email, role = "member" }), HttpStatusCode.Conflict);
        var id = (await Json(invited)).GetProperty("id").GetString();
        await Api.VerifyEmailAsync(member);
        Assert.Equal(HttpStatusCode.OK, (await Api.As(member.AccessToken).PostAsync($"/v1/invitations/{id}/accept", null)).StatusCode);
        await AssertProblem(await client.PostAsJsonAsync(url, new { email = member.Email, role = "member" }), HttpStatusCode.Conflict); // a member already

        var members = await Json(await client.GetAsync($"/v1/tenants/{owner.TenantId}/members"));
        Assert.Equal(["owner", "billing"], members.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var memberView = (await Json(await Api.As(member.AccessToken).GetAsync("/v1/me"))).GetProperty("tenants").EnumerateArray()
            .Single(t => t.GetProperty("id").GetString() == owner.TenantId);
        Assert.Equal("billing", memberView.GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_user_can_create_more_tenants_and_owns_them()
    {
        var owner = await Api.RegisterAsync("multi@example.com");
        var client = Api.As(owner.AccessToken);

        var created = await client.PostAsJsonAsync("/v1/tenants", new { name = "Second Co" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json(created)).GetProperty("id").GetString();
        Assert.Equal($"/v1/tenants/{id}", created.Headers.Location?.ToString());
        var patched = await Json(await client.PatchAsJsonAsync($"/v1/tenants/{id}", new { name = "Second Company", settings = new { billingEmail = " Pay@Example.com " } }));
        Assert.Equal("Second Company", patched.GetProperty("name").GetString());
        Assert.Equal("pay@example.com", patched.GetProperty("settings").GetProperty("billingEmail").GetString());
        Assert.Equal(2, (await Json(await client.GetAsync("/v1/me"))).GetProperty("tenants").GetArrayLength());
        await AssertProblem(await client.PatchAsJsonAsync($"/v1/tenants/{id}", new { settings = new { billingEmail = "nope" } }), HttpStatusCode.BadRequest);
    }

    private async Task<string> FreshMemberAsync(Tenant tenant)
    {
        var account = await Api.RegisterAsync($"target-{Guid.NewGuid():N}@example.com");
        await Api.AddMemberAsync(tenant.ByRole["owner"], tenant.Id, account, "member");
        return account.UserId;
    }

    private async Task<string> FreshInvitationAsync(Tenant tenant)
    {
        var invited = await Api.As(tenant.ByRole["owner"].AccessToken)
            .PostAsJsonAsync($"/v1/tenants/{tenant.Id}/invitations", new { email = $"target-{Guid.NewGuid():N}@example.com", role = "member" });
        return (await Json(invited)).GetProperty("id").GetString()!;
    }

    private async Task<string> FreshKeyAsync(Tenant tenant)
    {
        var created = await Api.As(tenant.ByRole["owner"].AccessToken).PostAsJsonAsync($"/v1/tenants/{tenant.Id}/api-keys", new { name = "target", scopes = new[] { "quota:read" } });
        return (await Json(created)).GetProperty("id").GetString()!;
    }
}
