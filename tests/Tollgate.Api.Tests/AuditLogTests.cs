using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

public sealed class AuditLogTests(SharedApi shared) : SharedApiTestBase(shared)
{
    [Fact]
    public async Task Every_mutation_is_audited_newest_first_with_actor_and_client_and_without_secrets()
    {
        var owner = await Api.RegisterAsync("owner@example.com", password: "owner-secret-pw");
        var member = await Api.RegisterAsync("member@example.com");
        var client = Api.As(owner.AccessToken);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("audit-test/1.0");
        var keyBody = await Json(await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/api-keys", new { name = "k", scopes = new[] { "quota:read" } }));
        await Api.AddMemberAsync(owner, owner.TenantId, member, "member");
        await client.PatchAsJsonAsync($"/v1/tenants/{owner.TenantId}/members/{member.UserId}", new { role = "admin" });
        await client.DeleteAsync($"/v1/tenants/{owner.TenantId}/members/{member.UserId}");
        await client.DeleteAsync($"/v1/tenants/{owner.TenantId}/api-keys/{keyBody.GetProperty("id").GetString()}");
        await client.PatchAsJsonAsync($"/v1/tenants/{owner.TenantId}", new { name = "Renamed" });

        var log = await client.GetAsync($"/v1/tenants/{owner.TenantId}/audit-log");
        var raw = await log.Content.ReadAsStringAsync();
        var items = (await Json(log)).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(
            ["tenant.updated", "apikey.revoked", "member.removed", "member.role_changed", "member.added", "invitation.accepted", "invitation.created",
                "apikey.created", "tenant.created", "user.registered"],
            items.Select(i => i.GetProperty("action").GetString()));
        var roleChange = items[3];
        Assert.Equal(owner.TenantId, roleChange.GetProperty("tenantId").GetString());
        Assert.Equal("user", roleChange.GetProperty("actor").GetProperty("type").GetString());
        Assert.Equal(owner.UserId, roleChange.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal("member", roleChange.GetProperty("resourceType").GetString());
        Assert.Equal(member.UserId, roleChange.GetProperty("resourceId").GetString());
        Assert.Equal("member", roleChange.GetProperty("before").GetProperty("role").GetString());
        Assert.Equal("admin", roleChange.GetProperty("after").GetProperty("role").GetString());
        Assert.Equal("audit-test/1.0", roleChange.GetProperty("userAgent").GetString());
        Assert.False(string.IsNullOrEmpty(roleChange.GetProperty("id").GetString()));
        Assert.DoesNotContain(keyBody.GetProperty("key").GetString()!, raw);
        Assert.DoesNotContain("owner-secret-pw", raw);
        Assert.DoesNotContain("AQAAAA", raw); // ASP.NET Core Identity password hashes start so
    }

    [Fact]
    public async Task The_log_filters_by_action_and_time_and_pages_with_a_cursor()
    {
        var owner = await Api.RegisterAsync("pager@example.com");
        var client = Api.As(owner.AccessToken);
        for (var i = 0; i < 5; i++) await client.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/api-keys", new { name = $"k{i}", scopes = new[] { "quota:read" } });
        var url = $"/v1/tenants/{owner.TenantId}/audit-log";

        var created = (await Json(await client.GetAsync($"{url}?action=apikey.created"))).GetProperty("items");
        Assert.Equal(5, created.GetArrayLength());

        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Json(await client.GetAsync($"{url}?action=apikey.created&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}"));
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("after").GetProperty("name").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.Equal(["k4", "k3", "k2", "k1", "k0"], names);

        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        Assert.Equal(0, (await Json(await client.GetAsync($"{url}?from={future}"))).GetProperty("items").GetArrayLength());
        Assert.Equal(7, (await Json(await client.GetAsync($"{url}?to={future}"))).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_log_exports_as_csv()
    {
        var owner = await Api.RegisterAsync("csv@example.com", name: "=HYPERLINK(\"evil\")");
        var client = Api.As(owner.AccessToken);

        var response = await client.GetAsync($"/v1/tenants/{owner.TenantId}/audit-log?format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,tenantId,actorType,actorId,action,resourceType,resourceId,before,after,ip,userAgent", lines[0].TrimEnd('\r'));
        Assert.Equal(3, lines.Length); // header, tenant.created, user.registered
        Assert.Contains("\"tenant.created\"", lines[1]);
        Assert.Contains("\"user.registered\"", lines[2]);
        Assert.DoesNotContain(",\"=", string.Join('\n', lines)); // no cell starts a formula
    }

    [Fact]
    public async Task The_operator_sees_platform_entries_and_can_filter_by_tenant()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var bob = await Api.RegisterAsync("bob@example.com");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        await ops.PostAsync($"/v1/admin/users/{bob.UserId}/disable", null);
        await Api.As(alice.AccessToken).PatchAsJsonAsync("/v1/me", new { name = "Alice A." });

        var all = (await Json(await ops.GetAsync("/v1/admin/audit-log"))).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()).ToList();
        var aliceOnly = (await Json(await ops.GetAsync($"/v1/admin/audit-log?tenantId={alice.TenantId}"))).GetProperty("items").EnumerateArray();

        Assert.Equal(["user.updated", "user.disabled"], all.Where(a => !a!.StartsWith("session.")).Take(2));
        Assert.Contains("session.started", all);
        Assert.All(aliceOnly, i => Assert.Equal(alice.TenantId, i.GetProperty("tenantId").GetString()));
        // Tenants see only their own entries, never platform ones.
        var aliceLog = (await Json(await Api.As(alice.AccessToken).GetAsync($"/v1/tenants/{alice.TenantId}/audit-log"))).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("action").GetString());
        Assert.Equal(["tenant.created", "user.registered"], aliceLog);
    }
}
