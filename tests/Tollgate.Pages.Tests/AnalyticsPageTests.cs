using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tollgate.Api.Tests;
using Tollgate.Testing;

namespace Tollgate.Pages.Tests;

/// <summary>
/// The console's analytics page: a tenant put on "pro" by the operator is MRR; a second tenant paying "pro" through Stripe (its
/// signed webhooks) moves the MRR shown by exactly the plan's monthly price and shows up as Stripe revenue; the CSV export has the
/// same numbers; a month that is not one is a 400 with the reason beside the form; in English and Chinese.
/// </summary>
public sealed class AnalyticsPageTests(PaymentPagesHost host) : IClassFixture<PaymentPagesHost>
{
    private const long ProPriceMinor = 2_000; // CatalogFixture's "pro": 20.00 USD a month, Stripe price "price_123"

    [Fact]
    public async Task A_stripe_payment_moves_the_mrr_on_the_page_by_the_plans_monthly_price()
    {
        var ops = await CatalogFixture.CreateAsync(host.Api);
        var first = await host.Api.RegisterAsync("analytics-first@example.com");
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/v1/admin/tenants/{first.TenantId}/subscription",
            new { planId = "pro", trialDays = 0 })).StatusCode);
        var month = host.Api.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var page = await host.NewPageAsync();
        await PagesHost.SignInAsync(page, ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "/ops/analytics");
        Assert.Equal("Analytics", await page.Locator("h1").InnerTextAsync());
        var before = await MrrCellAsync(page, month);
        Assert.Equal("$20.00", before);

        var payer = await host.Api.RegisterAsync("analytics-payer@example.com");
        var payerClient = host.Api.As(payer.AccessToken);
        Assert.Equal(HttpStatusCode.Created, (await payerClient.PostAsJsonAsync($"/v1/tenants/{payer.TenantId}/checkout",
            new { planId = "pro", successUrl = "https://app.example.com/ok", cancelUrl = "https://app.example.com/no" })).StatusCode);
        var customer = await CustomerIdAsync(ops, payer.TenantId);
        var now = host.Api.Clock.GetUtcNow();
        var subscription = PaymentPagesHost.ProSubscription("sub_pages", customer, now, now.AddDays(30));
        await DeliverAsync("customer.subscription.created", subscription, now);
        await DeliverAsync("invoice.paid", Invoice("in_pages", customer, "sub_pages", now, now.AddDays(30)), now);

        await page.ReloadAsync();
        Assert.Equal("$40.00", await MrrCellAsync(page, month)); // 20.00 + exactly pro's 20.00 a month
        var revenue = page.Locator("table", new() { Has = page.Locator("caption", new() { HasText = "Revenue in USD per month" }) });
        Assert.Equal(1, await revenue.GetByRole(AriaRole.Columnheader, new() { Name = "Via Stripe" }).CountAsync());
        var row = revenue.Locator("tbody tr", new() { Has = page.Locator("th", new() { HasText = month }) });
        Assert.Equal(["$20.00", "$20.00", "$20.00"], (await row.Locator("td").AllInnerTextsAsync()).Take(3)); // total, via Stripe, for pro
        Assert.Equal("Tenants churned divided by tenants paying at the month's start.",
            await page.Locator("dl.definitions dt:text-is('Logo churn') + dd").InnerTextAsync());
        await PagesHost.ScreenshotAsync(page, "analytics-en");

        // The CSV has the page's numbers, from the same months.
        var csv = await page.Context.APIRequest.GetAsync($"/ops/analytics.csv?from={month}&to={month}");
        Assert.Equal(200, csv.Status);
        var lines = (await csv.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var usd = Assert.Single(lines, l => l.Contains("\"usd\"", StringComparison.Ordinal)).Split(',');
        Assert.Equal("4000", usd[Array.IndexOf(header, "mrrMinor")]);
        Assert.Equal("2", usd[Array.IndexOf(header, "payingTenants")]);
        Assert.Equal("2000", usd[Array.IndexOf(header, "\"revenueMinor:provider:stripe\"")]);

        // A month that is not one: 400, the reason beside the form, what was typed kept.
        var bad = await page.GotoAsync("/ops/analytics?from=2026-13&to=" + month);
        Assert.Equal(400, bad!.Status);
        Assert.Equal("from must be a month written yyyy-MM.", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.Equal("2026-13", await page.GetByLabel("From month").GetAttributeAsync("value")); // (the browser shows none)

        var zh = await host.NewPageAsync("zh-CN");
        await PagesHost.SignInAsync(zh, ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "/ops/analytics");
        Assert.Equal("分析", await zh.Locator("h1").InnerTextAsync());
        Assert.Equal("流失租户数除以月初付费租户数。", await zh.Locator("dl.definitions dt:text-is('客户流失率') + dd").InnerTextAsync());
        Assert.Equal("$40.00", await MrrCellAsync(zh, month, "每月 MRR（USD）"));
        await PagesHost.ScreenshotAsync(zh, "analytics-zh");
    }

    /// <summary>The MRR the page shows for <paramref name="month"/> in USD.</summary>
    private static async Task<string> MrrCellAsync(IPage page, string month, string caption = "MRR in USD per month")
    {
        var table = page.Locator("table", new() { Has = page.Locator("caption", new() { HasText = caption }) });
        var row = table.Locator("tbody tr", new() { Has = page.Locator("th", new() { HasText = month }) });
        return (await row.Locator("td").First.InnerTextAsync()).Trim();
    }

    private static async Task<string> CustomerIdAsync(HttpClient ops, string tenantId)
    {
        var audit = await ops.GetFromJsonAsync<JsonElement>($"/v1/admin/audit-log?tenantId={tenantId}&action=billing.customer_created");
        return Assert.Single(audit.GetProperty("items").EnumerateArray()).GetProperty("resourceId").GetString()!;
    }

    private Task DeliverAsync(string type, JsonObject stripeObject, DateTimeOffset created) =>
        host.DeliverAsync(type, stripeObject, $"evt_pages_{type.Replace('.', '_')}", created);

    private static JsonObject Invoice(string id, string customer, string subscriptionId, DateTimeOffset start, DateTimeOffset end)
    {
        var invoice = FakeStripe.Fixture("invoice");
        invoice["id"] = id;
        invoice["customer"] = customer;
        invoice["status"] = "paid";
        invoice["amount_due"] = ProPriceMinor;
        invoice["amount_paid"] = ProPriceMinor;
        invoice["amount_remaining"] = 0;
        invoice["billing_reason"] = "subscription_cycle";
        invoice["created"] = start.ToUnixTimeSeconds();
        invoice["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["quote_details"] = null,
            ["subscription_details"] = new JsonObject { ["metadata"] = new JsonObject(), ["subscription"] = subscriptionId },
        };
        var line = invoice["lines"]!["data"]![0]!;
        line["period"] = new JsonObject { ["start"] = start.ToUnixTimeSeconds(), ["end"] = end.ToUnixTimeSeconds() };
        return invoice;
    }
}
