using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>
/// Floods of refused requests naming made-up keys (quota types, tenants, API keys, refresh tokens,
/// emails, idempotency keys, invitations) cost a bounded number of activations, as the silo's
/// management grain counts them: none at all where the answer is known without a grain, and where a
/// grain must be asked, activations that hold nothing are gone once idle.
/// </summary>
public sealed class GrainFloodTests : ApiTestBase
{
    private const int Flood = 500;
    /// <summary>Activations a flood may leave behind: grains a request legitimately wakes, never one per request.</summary>
    private const int Bound = 5;

    // Webhooks are checked against a secret; no Stripe API is called by these tests.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Stripe:WebhookSecret"] = "whsec_flood" };

    [Fact]
    public async Task Consumes_checks_and_refunds_naming_unknown_quota_types_activate_no_counter()
    {
        await CreateAsync(Api);
        var owner = await Api.RegisterAsync("flood-quota@example.com");
        var app = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume"));
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);
        var before = await ActivationsAsync("quota-counter");

        await FloodAsync(i => (i % 3) switch
        {
            0 => app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = $"chat/made-up-{i}", amount = 1 }),
            1 => app.PostAsJsonAsync("/v1/quota/check", new { quotaType = $"chat/made-up-{i}", amount = 1 }),
            _ => app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = $"made-up/{i}", amount = 1, consumeId = "cns_0" }),
        }, HttpStatusCode.NotFound, "unknown_quota_type");

        Assert.InRange(await ActivationsAsync("quota-counter"), 0, before + Bound);
        // Known quota types still count as before.
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);
    }

    [Fact]
    public async Task Unknown_tenant_ids_leave_no_tenant_activations_behind()
    {
        await CreateAsync(Api);
        var user = Api.As((await Api.RegisterAsync("flood-tenant@example.com")).AccessToken);
        var before = await ActivationsAsync("tenant");

        await FloodAsync(i => i % 2 == 0
            ? user.GetAsync($"/v1/tenants/ten_{Guid.NewGuid():N}")
            : user.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1, tenantId = $"ten_{Guid.NewGuid():N}" }),
            HttpStatusCode.NotFound, "not_found");

        await GoneAsync("tenant", before);
    }

    [Fact]
    public async Task Made_up_api_keys_leave_no_key_activations_behind()
    {
        var anonymous = Api.Anonymous();
        var before = await ActivationsAsync("api-key");

        await FloodAsync(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/check") { Content = JsonContent.Create(new { quotaType = Messages, amount = 1 }) };
            request.Headers.Add("X-Api-Key", $"tg_{Guid.NewGuid():N}");
            return anonymous.SendAsync(request);
        }, HttpStatusCode.Unauthorized);

        await GoneAsync("api-key", before);
    }

    [Fact]
    public async Task Made_up_refresh_tokens_leave_no_session_activations_behind()
    {
        var anonymous = Api.Anonymous();
        var before = await ActivationsAsync("session");

        await FloodAsync(i => anonymous.PostAsJsonAsync(i % 2 == 0 ? "/v1/auth/refresh" : "/v1/auth/logout",
            new { refreshToken = $"ses_{Guid.NewGuid():N}.{Guid.NewGuid():N}" }), i => i % 2 == 0 ? HttpStatusCode.Unauthorized : HttpStatusCode.NoContent);

        await GoneAsync("session", before);
    }

    [Fact]
    public async Task Logins_with_made_up_emails_leave_no_account_activations_behind()
    {
        var anonymous = Api.Anonymous();
        var before = await ActivationsAsync("email-account");

        // Fewer: each is as slow as a wrong password, by design.
        await FloodAsync(i => anonymous.PostAsJsonAsync("/v1/auth/login", new { email = $"nobody-{i}@example.com", password = "whatever-password" }),
            HttpStatusCode.Unauthorized, "invalid_credentials", count: 100);

        await GoneAsync("email-account", before);
    }

    [Fact]
    public async Task An_email_without_an_account_is_locked_out_like_one_with_an_account_though_its_grain_is_gone()
    {
        var anonymous = Api.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            var failed = await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = "ghost@example.com", password = "whatever-password" });
            await AssertProblem(failed, HttpStatusCode.Unauthorized, "invalid_credentials");
            await GoneAsync("email-account", "ghost@example.com");
        }

        await AssertProblem(await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = "ghost@example.com", password = "whatever-password" }),
            HttpStatusCode.TooManyRequests, "too_many_attempts");
        // Registering the email starts its account afresh.
        var ghost = await Api.RegisterAsync("ghost@example.com", "ghost-password-1");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = ghost.Email, password = ghost.Password })).StatusCode);
    }

    [Fact]
    public async Task Refused_checkouts_with_fresh_idempotency_keys_leave_no_key_activations_behind()
    {
        var account = await Api.RegisterAsync("flood-checkout@example.com");
        var owner = Api.As(account.AccessToken);
        var before = await ActivationsAsync("idempotency-key");

        await FloodAsync(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{account.TenantId}/checkout")
            {
                Content = JsonContent.Create(new { planId = "no-such-plan", successUrl = "https://app.example.com/ok", cancelUrl = "https://app.example.com/no" }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            return owner.SendAsync(request);
        }, HttpStatusCode.NotFound, "not_found");

        await GoneAsync("idempotency-key", before);
    }

    [Fact]
    public async Task Accepting_or_declining_made_up_invitations_activates_no_tenant()
    {
        var account = await Api.RegisterAsync("flood-invitee@example.com");
        await Api.VerifyEmailAsync(account); // invitations are for verified addresses only
        var user = Api.As(account.AccessToken);
        var tenants = await ActivationsAsync("tenant");

        await FloodAsync(i => user.PostAsync($"/v1/invitations/inv_{Guid.NewGuid():N}/{(i % 2 == 0 ? "accept" : "decline")}", null),
            HttpStatusCode.NotFound, "not_found");

        Assert.InRange(await ActivationsAsync("tenant"), 0, tenants + Bound);
        await GoneAsync("invitee", "flood-invitee@example.com"); // the caller's own email has no invitation: nothing held
    }

    [Fact]
    public async Task Invitations_to_many_addresses_leave_no_invitee_activations_behind()
    {
        var owner = await Api.RegisterAsync("flood-inviter@example.com");
        var admin = Api.As(owner.AccessToken);
        var before = await ActivationsAsync("invitee");

        await FloodAsync(i => admin.PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/invitations", new { email = $"invitee-{i}@example.com", role = "member" }),
            _ => HttpStatusCode.Created, count: 200);

        await GoneAsync("invitee", before);
        // Each invitation is still found by its invitee.
        var invitee = await Api.RegisterAsync("invitee-7@example.com");
        await Api.VerifyEmailAsync(invitee);
        var mine = await Json(await Api.As(invitee.AccessToken).GetAsync("/v1/me/invitations"));
        Assert.Equal(owner.TenantId, Assert.Single(mine.EnumerateArray()).GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task Webhook_events_with_made_up_ids_and_no_valid_signature_activate_no_event_grain()
    {
        var anonymous = Api.Anonymous();
        var before = (Events: await ActivationsAsync("provider-event"), Customers: await ActivationsAsync("billing-customer"));

        await FloodAsync(_ =>
        {
            var body = System.Text.Json.JsonSerializer.Serialize(new
            {
                id = $"evt_{Guid.NewGuid():N}", @object = "event", type = "customer.subscription.updated", created = 1,
                data = new { @object = new { id = "sub_1", @object = "subscription", customer = $"cus_{Guid.NewGuid():N}" } },
            });
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/stripe") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Stripe-Signature", $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}");
            return anonymous.SendAsync(request);
        }, HttpStatusCode.BadRequest, "invalid_signature");

        // The signature is checked before any grain is asked: a made-up event or customer reaches none.
        Assert.InRange(await ActivationsAsync("provider-event"), 0, before.Events);
        Assert.InRange(await ActivationsAsync("billing-customer"), 0, before.Customers);
    }

    /// <summary>Sends <paramref name="count"/> requests, 25 at a time, and checks each is refused as expected.</summary>
    private static Task FloodAsync(Func<int, Task<HttpResponseMessage>> request, HttpStatusCode refused, string? code = null, int count = Flood) =>
        FloodAsync(request, _ => refused, code, count);

    private static async Task FloodAsync(
        Func<int, Task<HttpResponseMessage>> request, Func<int, HttpStatusCode> refused, string? code = null, int count = Flood)
    {
        for (var start = 0; start < count; start += 25)
        {
            var indexes = Enumerable.Range(start, Math.Min(25, count - start)).ToList();
            var responses = await Task.WhenAll(indexes.Select(request));
            for (var i = 0; i < responses.Length; i++)
            {
                if (refused(indexes[i]) is var status && (int)status < 400) Assert.Equal(status, responses[i].StatusCode);
                else await AssertProblem(responses[i], status, code);
            }
        }
    }

    /// <summary>Activations of a grain type (and key, when given) on the silo, as its management grain reports them.</summary>
    private async Task<int> ActivationsAsync(string grainType, string? key = null)
    {
        var management = Api.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        return (await management.GetDetailedGrainStatistics())
            .Count(s => s.GrainId.Type.ToString() == grainType && (key is null || s.GrainId.Key.ToString() == key));
    }

    /// <summary>Waits until the grain's activation is gone.</summary>
    private Task GoneAsync(string grainType, string key) =>
        EventuallyAsync(async () => await ActivationsAsync(grainType, key) == 0, $"The {grainType} activation of {key} stayed.");

    /// <summary>Waits until the activations the flood woke are gone again, but for <see cref="Bound"/>.</summary>
    private Task GoneAsync(string grainType, int before) =>
        EventuallyAsync(async () => await ActivationsAsync(grainType) <= before + Bound,
            $"{grainType} activations stayed above {before + Bound}.");
}
