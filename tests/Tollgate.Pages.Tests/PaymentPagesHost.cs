using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tollgate.Api.Tests;
using Tollgate.Testing;

namespace Tollgate.Pages.Tests;

/// <summary>
/// The pages behind the payment providers: a silo whose Stripe and Alipay are fakes on 127.0.0.1, reached as the real
/// ones would be, and the API tests' catalog with a plan priced in cny.
/// </summary>
public sealed class PaymentPagesHost : PagesHost
{
    public const string WebhookSecret = "whsec_pages_test";

    private Task? _catalog;

    public FakeStripe Stripe { get; private set; } = null!;
    public FakeAlipay Alipay { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(Alipay.Configuration)
    {
        ["Stripe:SecretKey"] = "sk_test_pages",
        ["Stripe:WebhookSecret"] = WebhookSecret,
        ["Stripe:ApiBase"] = Stripe.BaseAddress.AbsoluteUri,
        ["Payments:PublicBaseUrl"] = "http://tollgate.test/",
    };

    protected override async Task StartFakesAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        Alipay = await FakeAlipay.StartAsync();
    }

    /// <summary>free (the default), plus (free), pro (20 USD a month, Stripe's price_123), cn-pro (68 CNY a month); made once.</summary>
    public Task CatalogAsync() => _catalog ??= CreateCatalogAsync();

    private async Task CreateCatalogAsync()
    {
        var ops = await CatalogFixture.CreateAsync(Api);
        var created = await ops.PostAsJsonAsync("/v1/admin/plans", new
        {
            id = "cn-pro", name = "Pro (China)", priceMinor = 6_800, currency = "cny", interval = "month",
            quotas = new Dictionary<string, long> { [CatalogFixture.Messages] = 5_000 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    /// <summary>
    /// Delivers a Stripe event (made at <paramref name="created"/>, by default the silo's now) to the silo's webhook, signed
    /// as Stripe signs them.
    /// </summary>
    public async Task DeliverAsync(string type, JsonObject stripeObject, string eventId, DateTimeOffset? created = null)
    {
        var now = Api.Clock.GetUtcNow();
        var body = FakeStripe.Event(type, stripeObject, created ?? now, eventId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/stripe")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", FakeStripe.Sign(body, WebhookSecret, now));
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Stripe's example subscription, made the tenant's: active on Pro's price for the given period.</summary>
    public static JsonObject ProSubscription(string id, string customer, DateTimeOffset start, DateTimeOffset end)
    {
        var subscription = FakeStripe.Fixture("subscription");
        subscription["id"] = id;
        subscription["customer"] = customer;
        subscription["status"] = "active";
        subscription["billing_cycle_anchor"] = start.ToUnixTimeSeconds();
        subscription["trial_end"] = null;
        subscription["cancel_at_period_end"] = false;
        subscription["metadata"] = new JsonObject();
        var item = subscription["items"]!["data"]![0]!;
        item["subscription"] = id;
        item["price"]!["id"] = "price_123";
        item["current_period_start"] = start.ToUnixTimeSeconds();
        item["current_period_end"] = end.ToUnixTimeSeconds();
        return subscription;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
        await Alipay.DisposeAsync();
    }
}
