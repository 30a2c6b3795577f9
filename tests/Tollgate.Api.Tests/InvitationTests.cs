using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tollgate.Api.Tests;

/// <summary>Joining a tenant by invitation, without learning who has an account.</summary>
public sealed class InvitationTests : ApiTestBase
{
    private static string Url(string tenantId) => $"/v1/tenants/{tenantId}/invitations";

    private static async Task<string> InviteAsync(HttpClient client, string tenantId, string email, string role = "member")
    {
        var response = await client.PostAsJsonAsync(Url(tenantId), new { email, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Inviting_answers_the_same_whether_or_not_the_email_has_an_account()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        await Api.RegisterAsync("known@example.com");
        var client = Api.As(owner.AccessToken);

        var known = await client.PostAsJsonAsync(Url(owner.TenantId), new { email = "known@example.com", role = "member" });
        var unknown = await client.PostAsJsonAsync(Url(owner.TenantId), new { email = "unknown@example.com", role = "member" });

        Assert.Equal(HttpStatusCode.Created, known.StatusCode);
        Assert.Equal(HttpStatusCode.Created, unknown.StatusCode);
        Assert.Equal(Shape(await Json(known)), Shape(await Json(unknown)));
        Assert.Equal(Headers(known), Headers(unknown));
        var pending = (await Json(await client.GetAsync(Url(owner.TenantId)))).EnumerateArray().Select(i => i.GetProperty("email").GetString());
        Assert.Equal(["known@example.com", "unknown@example.com"], pending);
        // The old way in, which answered 404 for emails without an account, is gone.
        Assert.Equal(HttpStatusCode.MethodNotAllowed,
            (await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/members", new { email = "unknown@example.com", role = "member" })).StatusCode);

        static string Shape(JsonElement body) => string.Join(',', body.EnumerateObject()
            .Select(p => p.Name is "id" or "email" or "createdAt" or "expiresAt" ? $"{p.Name}:{p.Value.ValueKind}" : $"{p.Name}={p.Value}"));
        static string Headers(HttpResponseMessage response) => string.Join(',', response.Headers.Select(h => h.Key).Order());
    }

    [Fact]
    public async Task The_invitee_sees_and_accepts_the_invitation_and_becomes_a_member_with_its_role()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        var id = await InviteAsync(Api.As(owner.AccessToken), owner.TenantId, " Pat@Example.com", "billing");
        var pat = await Api.RegisterAsync("pat@example.com"); // registering after the invitation is fine
        var client = Api.As(pat.AccessToken);
        // Until the address is proven, the invitation neither shows nor can be answered.
        await AssertProblem(await client.GetAsync("/v1/me/invitations"), HttpStatusCode.Forbidden, "email_unverified");
        await AssertProblem(await client.PostAsync($"/v1/invitations/{id}/accept", null), HttpStatusCode.Forbidden, "email_unverified");
        await AssertProblem(await client.PostAsync($"/v1/invitations/{id}/decline", null), HttpStatusCode.Forbidden, "email_unverified");
        await Api.VerifyEmailAsync(pat);

        var mine = Assert.Single((await Json(await client.GetAsync("/v1/me/invitations"))).EnumerateArray());
        Assert.Equal(id, mine.GetProperty("id").GetString());
        Assert.Equal(owner.TenantId, mine.GetProperty("tenantId").GetString());
        Assert.Equal("billing", mine.GetProperty("role").GetString());
        var accepted = await client.PostAsync($"/v1/invitations/{id}/accept", null);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("billing", (await Json(accepted)).GetProperty("role").GetString());
        var tenants = (await Json(await client.GetAsync("/v1/me"))).GetProperty("tenants").EnumerateArray();
        Assert.Contains(tenants, t => t.GetProperty("id").GetString() == owner.TenantId && t.GetProperty("role").GetString() == "billing");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/tenants/{owner.TenantId}")).StatusCode);
        Assert.Empty((await Json(await client.GetAsync("/v1/me/invitations"))).EnumerateArray());
        Assert.Empty((await Json(await Api.As(owner.AccessToken).GetAsync(Url(owner.TenantId)))).EnumerateArray());
        await AssertProblem(await client.PostAsync($"/v1/invitations/{id}/accept", null), HttpStatusCode.NotFound); // once only

        var log = await AuditActionsAsync(Api.As((await Api.LoginOperatorAsync()).AccessToken), owner.TenantId);
        Assert.Equal(["member.added", "invitation.accepted", "invitation.created"], log.Take(3));
    }

    [Fact]
    public async Task Nobody_but_the_invitee_can_see_accept_or_decline_an_invitation()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        var id = await InviteAsync(Api.As(owner.AccessToken), owner.TenantId, "pat@example.com");
        var malloryAccount = await Api.RegisterAsync("mallory@example.com");
        await Api.VerifyEmailAsync(malloryAccount);
        var mallory = Api.As(malloryAccount.AccessToken);

        Assert.Empty((await Json(await mallory.GetAsync("/v1/me/invitations"))).EnumerateArray());
        await AssertProblem(await mallory.PostAsync($"/v1/invitations/{id}/accept", null), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.PostAsync($"/v1/invitations/{id}/decline", null), HttpStatusCode.NotFound, "not_found");
        // Not even the owner who sent it accepts it for someone else.
        await Api.VerifyEmailAsync(owner);
        await AssertProblem(await Api.As(owner.AccessToken).PostAsync($"/v1/invitations/{id}/accept", null), HttpStatusCode.NotFound);
        await AssertProblem(await Api.Anonymous().PostAsync($"/v1/invitations/{id}/accept", null), HttpStatusCode.Unauthorized);

        var patAccount = await Api.RegisterAsync("pat@example.com");
        await Api.VerifyEmailAsync(patAccount);
        var pat = Api.As(patAccount.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await pat.PostAsync($"/v1/invitations/{id}/accept", null)).StatusCode); // still pending for pat
    }

    [Fact]
    public async Task Invitations_are_isolated_by_tenant()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var bob = await Api.RegisterAsync("bob@example.com");
        var id = await InviteAsync(Api.As(alice.AccessToken), alice.TenantId, "pat@example.com");
        var bobClient = Api.As(bob.AccessToken);

        await AssertProblem(await bobClient.GetAsync(Url(alice.TenantId)), HttpStatusCode.NotFound);
        await AssertProblem(await bobClient.PostAsJsonAsync(Url(alice.TenantId), new { email = "x@example.com", role = "member" }), HttpStatusCode.NotFound);
        await AssertProblem(await bobClient.DeleteAsync($"{Url(alice.TenantId)}/{id}"), HttpStatusCode.NotFound);
        await AssertProblem(await bobClient.DeleteAsync($"{Url(bob.TenantId)}/{id}"), HttpStatusCode.NotFound, "not_found"); // through bob's own tenant
        Assert.Empty((await Json(await bobClient.GetAsync(Url(bob.TenantId)))).EnumerateArray());
        Assert.Single((await Json(await Api.As(alice.AccessToken).GetAsync(Url(alice.TenantId)))).EnumerateArray());
    }

    [Fact]
    public async Task Declined_revoked_and_expired_invitations_cannot_be_accepted_and_each_step_is_audited()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        var ownerClient = Api.As(owner.AccessToken);
        var patAccount = await Api.RegisterAsync("pat@example.com");
        await Api.VerifyEmailAsync(patAccount);
        var pat = Api.As(patAccount.AccessToken);
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken); // before the clock moves: tokens issued later would not be valid yet

        var declined = await InviteAsync(ownerClient, owner.TenantId, "pat@example.com");
        Assert.Equal(HttpStatusCode.NoContent, (await pat.PostAsync($"/v1/invitations/{declined}/decline", null)).StatusCode);
        await AssertProblem(await pat.PostAsync($"/v1/invitations/{declined}/accept", null), HttpStatusCode.NotFound);

        var revoked = await InviteAsync(ownerClient, owner.TenantId, "pat@example.com");
        Assert.Equal(HttpStatusCode.NoContent, (await ownerClient.DeleteAsync($"{Url(owner.TenantId)}/{revoked}")).StatusCode);
        await AssertProblem(await pat.PostAsync($"/v1/invitations/{revoked}/accept", null), HttpStatusCode.NotFound);
        await AssertProblem(await ownerClient.DeleteAsync($"{Url(owner.TenantId)}/{revoked}"), HttpStatusCode.NotFound);

        var expired = await InviteAsync(ownerClient, owner.TenantId, "pat@example.com");
        Api.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Empty((await Json(await pat.GetAsync("/v1/me/invitations"))).EnumerateArray());
        Assert.Empty((await Json(await ownerClient.GetAsync(Url(owner.TenantId)))).EnumerateArray());
        await AssertProblem(await pat.PostAsync($"/v1/invitations/{expired}/accept", null), HttpStatusCode.NotFound);
        Assert.NotEqual(expired, await InviteAsync(ownerClient, owner.TenantId, "pat@example.com")); // and the email may be invited again

        var log = await AuditActionsAsync(ops, owner.TenantId);
        Assert.Equal(["invitation.created", "invitation.created", "invitation.revoked", "invitation.created", "invitation.declined", "invitation.created"],
            log.Take(6));
        Assert.DoesNotContain("member.added", log);
    }
}
