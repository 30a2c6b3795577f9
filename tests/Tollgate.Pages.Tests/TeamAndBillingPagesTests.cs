using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tollgate.Api.Tests;
using Tollgate.Testing;

namespace Tollgate.Pages.Tests;

/// <summary>
/// The team, invitation, billing and audit pages in a real Chromium, as an owner and a colleague use them: invited, accepted,
/// kept to what a member may do; a plan bought through Stripe Checkout and confirmed by Stripe's webhook, cancelled and resumed;
/// each step then found in the audit log.
/// </summary>
public sealed class TeamAndBillingPagesTests(PaymentPagesHost host) : IClassFixture<PaymentPagesHost>
{
    [Fact]
    public async Task An_owner_invites_a_colleague_buys_a_plan_cancels_and_resumes_and_reads_it_all_in_the_audit_log()
    {
        await host.CatalogAsync();
        var owner = await host.Api.RegisterAsync("team-owner@example.com");
        var colleague = await host.Api.RegisterAsync("team-colleague@example.com");
        await host.Api.VerifyEmailAsync(colleague);
        var team = $"/app/{owner.TenantId}/team";
        var billing = $"/app/{owner.TenantId}/billing";
        var audit = $"/app/{owner.TenantId}/audit";

        // The owner invites the colleague as a member; inviting the same email twice is the API's 409, shown on the page.
        var page = await host.NewPageAsync();
        await PagesHost.SignInAsync(page, owner.Email, owner.Password, team);
        var form = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }) });
        await form.GetByLabel("Email").FillAsync(colleague.Email);
        await form.GetByLabel("Role").SelectOptionAsync("member");
        await PostAsync(page, form.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }));
        var pending = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Pending invitations" }) });
        await Assertions.Expect(pending.Locator("tbody")).ToContainTextAsync(colleague.Email);
        await PagesHost.ScreenshotAsync(page, "team-en");
        await form.GetByLabel("Email").FillAsync(colleague.Email);
        var twice = await PostAsync(page, form.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }));
        Assert.Equal(409, twice.Status);
        Assert.Equal("This email has a pending invitation; revoke it to invite again.",
            await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.Equal(colleague.Email, await form.GetByLabel("Email").InputValueAsync());

        // The colleague, reading Chinese, finds the invitation, accepts it and lands in the tenant.
        var colleaguePage = await host.NewPageAsync("zh-CN");
        await PagesHost.SignInAsync(colleaguePage, colleague.Email, colleague.Password, "/app/invitations");
        Assert.Equal("我的邀请", await colleaguePage.Locator("h1").InnerTextAsync());
        Assert.Equal("成员", await colleaguePage.Locator("tbody tr td").Nth(1).InnerTextAsync());
        await PagesHost.ScreenshotAsync(colleaguePage, "invitations-zh");
        await colleaguePage.Locator("tbody tr").GetByRole(AriaRole.Button, new() { Name = "接受加入" }).ClickAsync();
        await colleaguePage.WaitForURLAsync($"**/app/{owner.TenantId}");
        await colleaguePage.GotoAsync("/app/invitations");
        Assert.Equal("没有等待您处理的邀请。", await colleaguePage.Locator("main p.muted").InnerTextAsync());

        // Someone who has not verified their email is told why they see no invitations, as the API's 403 says.
        var unverified = await host.Api.RegisterAsync("team-unverified@example.com");
        var asUnverified = new Browser(host.BaseAddress);
        await asUnverified.SignInAsync(unverified.Email, unverified.Password);
        var unverifiedPage = await (await asUnverified.GetAsync("/app/invitations")).Content.ReadAsStringAsync();
        Assert.Contains("shown only once you have verified yours", unverifiedPage);

        // A member sees the team and the plan, not the forms; posting them anyway is 403, as the API answers.
        await colleaguePage.GotoAsync(team);
        Assert.Contains(owner.Email, await colleaguePage.Locator("table").InnerTextAsync());
        Assert.Equal(0, await colleaguePage.Locator("form[method=post] select, input[name=email]").CountAsync());
        await colleaguePage.GotoAsync(billing);
        Assert.Equal("当前套餐", await colleaguePage.Locator("h2").First.InnerTextAsync());
        Assert.Equal(0, await colleaguePage.Locator("main form[method=post]").CountAsync());
        var asMember = new Browser(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Found, (await asMember.SignInAsync(colleague.Email, colleague.Password)).StatusCode);
        var token = await asMember.TokenAsync(team);
        var invite = await asMember.PostFormAsync(team,
            ("__RequestVerificationToken", token), ("_handler", "invite"), ("email", "someone@example.com"), ("role", "owner"));
        Assert.Equal(HttpStatusCode.Forbidden, invite.StatusCode);
        var checkout = await asMember.PostFormAsync(billing, ("__RequestVerificationToken", token), ("_handler", "checkout-pro"));
        Assert.Equal(HttpStatusCode.Forbidden, checkout.StatusCode);
        Assert.Empty(host.Stripe.RequestsTo("POST", "/v1/checkout/sessions"));

        // The owner buys Pro: the page sends the browser to Stripe Checkout (stood in for here: Stripe is not reachable from a test).
        await page.RouteAsync("https://checkout.stripe.com/**", route => route.FulfillAsync(new()
        {
            Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>Checkout</title><h1>Stripe Checkout</h1>",
        }));
        await page.GotoAsync(billing);
        Assert.Contains("$20.00", await PlanRow(page, "Pro").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay for Pro by card (Stripe)" }).ClickAsync();
        await page.WaitForURLAsync("https://checkout.stripe.com/c/pay/**");
        var session = Assert.Single(host.Stripe.RequestsTo("POST", "/v1/checkout/sessions"));
        Assert.Equal("price_123", session.Field("line_items[0][price]"));
        Assert.Equal($"http://tollgate.test{billing}?checkout=done", session.Field("success_url"));
        Assert.Equal(owner.TenantId, session.Field("client_reference_id"));

        // Stripe reports the subscription; back from Checkout, the page shows the plan Stripe confirmed.
        var now = host.Api.Clock.GetUtcNow();
        var subscription = PaymentPagesHost.ProSubscription("sub_pages", session.Field("customer")!, now.AddDays(-1), now.AddDays(29));
        host.Stripe.Subscriptions["sub_pages"] = subscription;
        await host.DeliverAsync("customer.subscription.created", subscription, "evt_pages_created");
        await page.GotoAsync(billing + "?checkout=done");
        var current = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Current plan" }) });
        Assert.Contains("Pro", await current.Locator("dl").InnerTextAsync());
        Assert.Contains("Active", await current.Locator("dl").InnerTextAsync());
        Assert.Contains("Stripe", await current.Locator("dl").InnerTextAsync());

        // Cancel at the period's end, then resume: each goes to Stripe first, and the page shows what Stripe answered.
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel at the end of the period" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume the subscription" }).WaitForAsync();
        Assert.Contains("The subscription is set to end at the end of this period.", await current.InnerTextAsync());
        Assert.Equal("true", host.Stripe.RequestsTo("POST", "/v1/subscriptions/sub_pages").Last().Field("cancel_at_period_end"));
        await PagesHost.ScreenshotAsync(page, "billing-en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume the subscription" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel at the end of the period" }).WaitForAsync();
        Assert.Equal("false", host.Stripe.RequestsTo("POST", "/v1/subscriptions/sub_pages").Last().Field("cancel_at_period_end"));

        // The billing email, as PATCH /v1/tenants/{id} takes it: a bad address is its 400.
        var email = page.GetByLabel("New billing email");
        await email.FillAsync("not an address");
        await email.EvaluateAsync("input => input.type = 'text'"); // past the browser's own check, as a script-less client would be
        var bad = await PostAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Save" }));
        Assert.Equal(400, bad.Status);
        Assert.Equal("Email is not a valid address.", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        await page.GetByLabel("New billing email").FillAsync("invoices@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("section", new() { HasText = "Billing email" }).Locator("p").First)
            .ToHaveTextAsync("invoices@example.com");

        // The audit log lists the steps, and its filter keeps one action.
        await page.GotoAsync(audit);
        var log = await page.Locator("table").InnerTextAsync();
        foreach (var action in new[] { "invitation.created", "invitation.accepted", "billing.checkout_created", "subscription.synced" })
            Assert.Contains(action, log);
        await PagesHost.ScreenshotAsync(page, "audit-en");
        await page.GetByLabel("Action").FillAsync("billing.checkout_created");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync("**/audit?action=billing.checkout_created**");
        var rows = page.Locator("tbody tr");
        Assert.Equal(1, await rows.CountAsync());
        Assert.Contains(owner.Email, await rows.InnerTextAsync());
        var asOwner = new Browser(host.BaseAddress);
        await asOwner.SignInAsync(owner.Email, owner.Password);
        var badFilter = await asOwner.GetAsync(audit + "?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Contains("from must be an ISO 8601 time such as 2026-01-31T00:00:00Z.", await badFilter.Content.ReadAsStringAsync());

        // The same pages in Chinese.
        var chinese = await host.NewPageAsync("zh-CN");
        await PagesHost.SignInAsync(chinese, owner.Email, owner.Password, team);
        Assert.Equal("团队", await chinese.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(chinese, "team-zh");
        await chinese.GotoAsync(billing);
        Assert.Contains("每月 $20.00", await PlanRow(chinese, "Pro").InnerTextAsync());
        await PagesHost.ScreenshotAsync(chinese, "billing-zh");
        await chinese.GotoAsync(audit);
        Assert.Equal("审计日志", await chinese.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(chinese, "audit-zh");
        await page.GotoAsync("/app/invitations");
        Assert.Equal("My invitations", await page.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(page, "invitations-en");
    }

    [Fact]
    public async Task A_plan_priced_in_cny_is_paid_with_alipay_and_its_order_page_follows_the_payment_by_itself()
    {
        await host.CatalogAsync();
        var owner = await host.Api.RegisterAsync("alipay-owner@example.com");
        var page = await host.NewPageAsync("zh-CN");
        await PagesHost.SignInAsync(page, owner.Email, owner.Password, $"/app/{owner.TenantId}/billing");
        var row = PlanRow(page, "Pro (China)");
        Assert.Contains("每月 ¥68.00", await row.InnerTextAsync());
        Assert.Equal(0, await PlanRow(page, "Pro").GetByRole(AriaRole.Button, new() { Name = "支付宝" }).CountAsync());

        // Choosing Alipay makes the order (as POST /v1/tenants/{id}/orders does) and opens its page: a QR code and the pay link.
        await row.GetByRole(AriaRole.Button, new() { Name = "用支付宝支付 Pro (China)" }).ClickAsync();
        await page.WaitForURLAsync($"**/app/{owner.TenantId}/billing/orders/ord_*");
        var orderPath = new Uri(page.Url).AbsolutePath;
        var orderId = orderPath[(orderPath.LastIndexOf('/') + 1)..];
        Assert.Equal("订单", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("等待支付", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        var qr = page.GetByAltText("用支付宝支付的二维码");
        Assert.StartsWith("data:image/png;base64,", await qr.GetAttributeAsync("src"));
        Assert.Equal("5", await page.Locator("meta[name=tollgate-refresh]").GetAttributeAsync("content"));
        var payUrl = await page.GetByRole(AriaRole.Link, new() { Name = "支付 ¥68.00" }).GetAttributeAsync("href");
        await PagesHost.ScreenshotAsync(page, "order-zh");
        var english = await host.NewPageAsync();
        await PagesHost.SignInAsync(english, owner.Email, owner.Password, orderPath);
        Assert.Equal("Waiting for payment", await english.GetByRole(AriaRole.Status).InnerTextAsync());
        await PagesHost.ScreenshotAsync(english, "order-en");

        // The customer pays at Alipay; the page, reloading itself, finds it paid (it asks Alipay) and stops reloading.
        host.Alipay.Open(new Uri(payUrl!));
        host.Alipay.Pay(orderId);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已支付", new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("meta[name=tollgate-refresh]").CountAsync());
        Assert.Equal(0, await page.GetByAltText("用支付宝支付的二维码").CountAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "返回账单" }).ClickAsync();
        var current = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "当前套餐" }) });
        Assert.Contains("Pro (China)", await current.Locator("dl").InnerTextAsync());

        // Another tenant's order is not found there.
        var stranger = await host.Api.RegisterAsync("alipay-stranger@example.com");
        var asStranger = new Browser(host.BaseAddress);
        await asStranger.SignInAsync(stranger.Email, stranger.Password);
        var notFound = await asStranger.GetAsync($"/app/{stranger.TenantId}/billing/orders/{orderId}");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.DoesNotContain("¥68.00", await notFound.Content.ReadAsStringAsync());
    }

    /// <summary>The billing page's row for the plan named <paramref name="name"/>.</summary>
    private static ILocator PlanRow(IPage page, string name) =>
        page.Locator("tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true }) });

    /// <summary>Clicks a form's button and answers the response to its post, once the page it returned has loaded.</summary>
    private static async Task<IResponse> PostAsync(IPage page, ILocator button)
    {
        var response = await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Request.Method == "POST");
        await page.WaitForLoadStateAsync();
        return response;
    }
}
