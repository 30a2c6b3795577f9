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
/// same numbers; a month that is not one is a 400 with the reason beside the form; in English and Chinese. Tenants' usage over
/// two days ranks them per quota type, a refund lowering a total, on the page, its CSV and the JSON route.
/// </summary>
public sealed class AnalyticsPageTests(PaymentPagesHost host) : IClassFixture<PaymentPagesHost>
{
    private const long ProPriceMinor = 2_000; // CatalogFixture's "pro": 20.00 USD a month, Stripe price "price_123"

    [Fact]
    public async Task A_stripe_payment_moves_the_mrr_on_the_page_by_the_plans_monthly_price()
    {
        var ops = await OperatorAsync();
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

    [Fact]
    public async Task Tenants_rank_by_what_they_used_this_month_and_a_refund_lowers_a_total()
    {
        await host.CatalogAsync();
        var tenants = new List<(Account Owner, HttpClient App)>();
        foreach (var name in new[] { "Ada", "Bo", "Cy" })
        {
            var owner = await host.Api.RegisterAsync($"usage-{name.ToLowerInvariant()}@example.com", name: name);
            tenants.Add((owner, host.Api.WithApiKey(await host.Api.IssueApiKeyAsync(owner, "quota:consume")))); // keys outlive the day
        }
        var (ada, bo, cy) = (tenants[0], tenants[1], tenants[2]);
        var usage = new List<(string Month, Account Tenant, long Consumed, long Refunded)>(); // what each did, in which month
        async Task<string> ConsumeAsync((Account Owner, HttpClient App) tenant, long amount)
        {
            var response = await tenant.App.PostAsJsonAsync("/v1/quota/consume", new { quotaType = CatalogFixture.Messages, amount });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            usage.Add((ThisMonth(), tenant.Owner, amount, 0));
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consumeId").GetString()!;
        }

        // Signed in before the clock moves: a token it issued later would not be valid yet to the JWT handler's own clock.
        var ops = host.Api.As((await host.Api.LoginOperatorAsync()).AccessToken);
        var page = await host.NewPageAsync();
        await PagesHost.SignInAsync(page, ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "/ops/analytics");
        var zh = await host.NewPageAsync("zh-CN");
        await PagesHost.SignInAsync(zh, ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "/ops/analytics");

        await ConsumeAsync(ada, 30);
        await ConsumeAsync(bo, 50);
        await ConsumeAsync(cy, 10);
        // A day passes (the UTC date changes): the counters close their days, their month's totals go on.
        var now = host.Api.Clock.GetUtcNow();
        var aDay = now.UtcDateTime.Date.AddDays(1).AddMinutes(1) - now.UtcDateTime;
        host.Api.Clock.Advance(aDay);
        try
        {
            await ConsumeAsync(ada, 40);
            var boSecond = await ConsumeAsync(bo, 20);
            var month = ThisMonth();
            var owners = tenants.Select(t => t.Owner).ToArray();
            await WaitForTopUsageAsync(ops, month, Expected(usage, month, owners)); // Ada 70, Bo 70, Cy 10 (or, had a month begun, 40, 20)

            var refund = await bo.App.PostAsJsonAsync("/v1/quota/refund",
                new { quotaType = CatalogFixture.Messages, amount = 15, consumeId = boSecond });
            Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
            usage.Add((month, bo.Owner, 0, 15));
            var expected = Expected(usage, month, owners);
            await WaitForTopUsageAsync(ops, month, expected); // Bo 55

            await page.ReloadAsync();
            var section = page.Locator("section[aria-labelledby=top-usage]");
            Assert.Equal($"Top tenants by usage in {month}", await section.Locator("h2").InnerTextAsync());
            var caption = page.Locator("caption", new() { HasText = "Messages (message), most used first" });
            var rows = section.Locator("table", new() { Has = caption }).Locator("tbody tr");
            Assert.Equal(expected.Count, await rows.CountAsync());
            for (var i = 0; i < expected.Count; i++)
            {
                var (name, tenantId, used, consumed, refunded) = expected[i];
                Assert.Equal([$"{i + 1}", $"{used}", $"{consumed}", $"{refunded}"], await rows.Nth(i).Locator("td").AllInnerTextsAsync());
                var link = rows.Nth(i).GetByRole(AriaRole.Link, new() { Name = name });
                Assert.Equal($"/ops/tenants/{tenantId}", await link.GetAttributeAsync("href"));
            }
            Assert.StartsWith("For the last month shown, the 10 tenants that used the most of each quota type",
                await page.Locator("dl.definitions dt:text-is('Top tenants by usage') + dd").InnerTextAsync());
            await PagesHost.ScreenshotAsync(page, "analytics-top-usage-en");

            // The CSV: the page's rows, in the same order.
            var csv = await page.Context.APIRequest.GetAsync(
                (await section.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).GetAttributeAsync("href"))!);
            Assert.Equal(200, csv.Status);
            var lines = (await csv.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("month,quotaType,unit,rank,tenantId,tenantName,used,consumed,refunded", lines[0]);
            Assert.Equal(expected.Select((e, i) =>
                    $"\"{month}\",\"{CatalogFixture.Messages}\",\"message\",{i + 1},\"{e.TenantId}\",\"{e.Name}\","
                    + $"{e.Used},{e.Consumed},{e.Refunded}"),
                lines.Skip(1));

            await zh.ReloadAsync();
            var zhSection = zh.Locator("section[aria-labelledby=top-usage]");
            Assert.Equal($"{month} 用量最高的租户", await zhSection.Locator("h2").InnerTextAsync());
            Assert.Equal(expected.Count, await zhSection.Locator("tbody tr").CountAsync());
            Assert.Equal("Messages（message），按用量从高到低", await zhSection.Locator("caption").InnerTextAsync());
        }
        finally
        {
            host.Api.Clock.Advance(-aDay); // the class's other test signs in after
        }
    }

    private string ThisMonth() => host.Api.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The tenants' totals in <paramref name="month"/> from what they did, most used first (ties by tenant id).</summary>
    private static List<(string Name, string TenantId, long Used, long Consumed, long Refunded)> Expected(
        List<(string Month, Account Tenant, long Consumed, long Refunded)> usage, string month, Account[] tenants) =>
        [.. tenants.Select(t =>
            {
                var theirs = usage.Where(u => u.Month == month && u.Tenant == t).ToList();
                var (consumed, refunded) = (theirs.Sum(u => u.Consumed), theirs.Sum(u => u.Refunded));
                var name = t.Email.Split('@')[0]["usage-".Length..];
                var tenantName = char.ToUpperInvariant(name[0]) + name[1..] + "'s workspace";
                return (Name: tenantName, t.TenantId, Used: consumed - refunded, consumed, refunded);
            })
            .Where(e => e.Used > 0).OrderByDescending(e => e.Used).ThenBy(e => e.TenantId, StringComparer.Ordinal)];

    /// <summary>Polls <c>GET /v1/admin/analytics/top-usage</c> until it lists <paramref name="expected"/> (counters report within
    /// their period, half a second here).</summary>
    private static async Task WaitForTopUsageAsync(
        HttpClient ops, string month, List<(string Name, string TenantId, long Used, long Consumed, long Refunded)> expected)
    {
        var want = string.Join("; ", expected.Select(e => $"{e.Name} {e.TenantId} {e.Used} {e.Consumed} {e.Refunded}"));
        var seen = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var body = await ops.GetFromJsonAsync<JsonElement>($"/v1/admin/analytics/top-usage?month={month}");
            Assert.Equal(month, body.GetProperty("month").GetString());
            var messages = body.GetProperty("quotaTypes").EnumerateArray()
                .Single(q => q.GetProperty("quotaType").GetString() == CatalogFixture.Messages);
            seen = string.Join("; ", messages.GetProperty("tenants").EnumerateArray().Select(t =>
                $"{t.GetProperty("tenantName").GetString()} {t.GetProperty("tenantId").GetString()} {t.GetProperty("used").GetInt64()} "
                + $"{t.GetProperty("consumed").GetInt64()} {t.GetProperty("refunded").GetInt64()}"));
            if (seen == want) return;
            await Task.Delay(100);
        }
        Assert.Fail($"top usage of {month}: expected [{want}], last seen [{seen}]");
    }

    /// <summary>The operator, with the catalog made once for the class's tests.</summary>
    private async Task<HttpClient> OperatorAsync()
    {
        await host.CatalogAsync();
        return host.Api.As((await host.Api.LoginOperatorAsync()).AccessToken);
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
