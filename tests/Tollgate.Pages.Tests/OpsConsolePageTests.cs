using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tollgate.Api.Pages;
using Tollgate.Api.Tests;
using Tollgate.Grains.Billing;

namespace Tollgate.Pages.Tests;

/// <summary>
/// The operator's console in a real Chromium: finding a tenant, its page, disabling and enabling a user, the catalog's forms
/// (with the API's validation) and putting a tenant on a plan made there; and, over plain HTTP, the statuses the forms answer.
/// </summary>
public sealed class OpsConsolePageTests(PagesHost host) : IClassFixture<PagesHost>
{
    [Fact]
    public async Task The_operator_finds_a_tenant_disables_a_user_builds_a_plan_and_puts_the_tenant_on_it()
    {
        var owner = await host.Api.RegisterAsync("console-owner@example.com", name: "Harbor Lights");
        var member = await host.Api.RegisterAsync("console-member@example.com", name: "Mia Member");
        await host.Api.AddMemberAsync(owner, owner.TenantId, member, "member");
        var page = await host.NewPageAsync();
        await PagesHost.SignInAsync(page, ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, OpsPaths.Tenants);

        // Found by a member's email, then opened.
        await page.GetByLabel("Name, member email or tenant id").FillAsync(" Console-Member@Example.com ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var result = page.GetByRole(AriaRole.Link, new() { Name = "Harbor Lights's workspace" });
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "console-member@example.com (member)" })).ToBeVisibleAsync();
        await PagesHost.ScreenshotAsync(page, "ops-tenants-en");
        await result.ClickAsync();
        await page.WaitForURLAsync("**" + OpsPaths.Tenant(owner.TenantId));
        Assert.Equal("Harbor Lights's workspace", await page.Locator("h1").InnerTextAsync());

        // Disabled, the member cannot sign in; enabled again, they can.
        var memberRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = member.Email });
        await page.GetByRole(AriaRole.Button, new() { Name = $"Disable {member.Email}" }).ClickAsync();
        await Assertions.Expect(memberRow.GetByRole(AriaRole.Cell, new() { Name = "disabled", Exact = true })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await new Browser(host.BaseAddress).SignInAsync(member.Email, member.Password)).StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Enable {member.Email}" }).ClickAsync();
        await Assertions.Expect(memberRow.GetByRole(AriaRole.Cell, new() { Name = "active", Exact = true })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Found, (await new Browser(host.BaseAddress).SignInAsync(member.Email, member.Password)).StatusCode);

        // An app, a quota type of it, and a plan with prices in two currencies, through the catalog's forms.
        await page.GotoAsync(OpsPaths.Catalog);
        var appForm = Form(page, "Create app");
        await appForm.GetByLabel("Id").FillAsync("console");
        await appForm.GetByLabel("Name").FillAsync("Console App");
        await appForm.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Console App" })).ToBeVisibleAsync();
        var quotaForm = Form(page, "Create quota type");
        await quotaForm.GetByLabel("Key").FillAsync("requests");
        await quotaForm.GetByLabel("Name").FillAsync("Requests");
        await quotaForm.GetByLabel("Unit").FillAsync("request");
        await quotaForm.GetByLabel("Window").SelectOptionAsync("monthly");
        await quotaForm.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "console/requests" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "New plan" }).ClickAsync();
        await page.GetByLabel("Id (lower-case").FillAsync("team");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Team");
        await page.GetByLabel("Currency 1").FillAsync("usd");
        await page.GetByLabel("Amount 1").FillAsync("-4900");
        await page.GetByLabel("Requests (console/requests, request)").FillAsync("5000");
        await page.GetByLabel("Trial days").FillAsync("14");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert))
            .ToContainTextAsync("priceMinor is required: a whole number of minor units, 0 or more."); // the API's message
        Assert.Equal("Team", await page.GetByLabel("Name", new() { Exact = true }).InputValueAsync()); // what was typed is kept
        Assert.Equal("-4900", await page.GetByLabel("Amount 1").InputValueAsync());
        Assert.Equal("5000", await page.GetByLabel("Requests (console/requests, request)").InputValueAsync());
        await PagesHost.ScreenshotAsync(page, "ops-plan-en");
        await page.GetByLabel("Amount 1").FillAsync("4900");
        await page.GetByLabel("Currency 2").FillAsync("cny");
        await page.GetByLabel("Amount 2").FillAsync("34900");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create plan" }).ClickAsync();
        await page.WaitForURLAsync("**" + OpsPaths.Catalog);
        var teamRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "team" });
        await Assertions.Expect(teamRow).ToContainTextAsync("$49.00 · ¥349.00");
        await PagesHost.ScreenshotAsync(page, "ops-catalog-en");

        // The public list of plans has it, as the API answers.
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        var plans = await anonymous.GetFromJsonAsync<JsonElement>("/v1/plans");
        var team = plans.EnumerateArray().Single(p => p.GetProperty("id").GetString() == "team");
        Assert.Equal(4900, team.GetProperty("priceMinor").GetInt64());
        Assert.Equal("USD", team.GetProperty("currency").GetString());
        Assert.Equal(14, team.GetProperty("trialDays").GetInt32());
        Assert.Equal(5000, team.GetProperty("quotas").GetProperty("console/requests").GetInt64());
        Assert.Equal(34900, team.GetProperty("prices")[1].GetProperty("amountMinor").GetInt64());

        // What the forms did is audited as the operator's, as the API's routes are.
        var operatorAccount = await host.Api.LoginOperatorAsync();
        var admin = host.Api.As(operatorAccount.AccessToken);
        foreach (var action in new[] { "user.disabled", "user.enabled", "app.created", "plan.created" })
        {
            var log = await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/audit-log?action={action}");
            var entry = log.GetProperty("items").EnumerateArray().First();
            Assert.Equal(operatorAccount.UserId, entry.GetProperty("actor").GetProperty("id").GetString());
        }

        // The tenant goes on the plan; its page shows the plan, the quota and the usage an app made under it.
        await page.GotoAsync(OpsPaths.Tenant(owner.TenantId));
        await page.Locator("select[name=planId]").SelectOptionAsync("team");
        await page.GetByLabel("Trial days (optional)").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Put on this plan" }).ClickAsync();
        await Assertions.Expect(page.Locator("dl.definitions")).ToContainTextAsync("Team (team)");
        var key = await host.Api.IssueApiKeyAsync(owner, "quota:consume");
        var consumed = await host.Api.WithApiKey(key)
            .PostAsJsonAsync("/v1/quota/consume", new { quotaType = "console/requests", amount = 7 });
        Assert.Equal(HttpStatusCode.OK, consumed.StatusCode);
        await page.ReloadAsync();
        var quotaRow = page.Locator("#quotas + table tr").Filter(new() { HasText = "console/requests" });
        await Assertions.Expect(quotaRow.Locator("td").Nth(0)).ToHaveTextAsync("7"); // used
        await Assertions.Expect(quotaRow.Locator("td").Nth(1)).ToHaveTextAsync("5,000"); // limit
        var usageRow = page.Locator("section:has(#usage) tbody tr").Filter(new() { HasText = "console/requests" });
        await Assertions.Expect(usageRow.Locator("td").First).ToHaveTextAsync("7");
        await Assertions.Expect(page.Locator("section:has(#audit)")).ToContainTextAsync("subscription.granted");
        await PagesHost.ScreenshotAsync(page, "ops-tenant-en");

        // The same pages in Chinese.
        var zh = await host.NewPageAsync("zh-CN");
        await PagesHost.SignInAsync(zh, ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, OpsPaths.Tenants + "?q=harbor");
        Assert.Equal("租户", await zh.Locator("h1").InnerTextAsync());
        await Assertions.Expect(zh.GetByRole(AriaRole.Link, new() { Name = "Harbor Lights's workspace" })).ToBeVisibleAsync();
        await PagesHost.ScreenshotAsync(zh, "ops-tenants-zh");
        await zh.GotoAsync(OpsPaths.Tenant(owner.TenantId));
        await Assertions.Expect(zh.GetByRole(AriaRole.Heading, new() { Name = "成员" })).ToBeVisibleAsync();
        await PagesHost.ScreenshotAsync(zh, "ops-tenant-zh");
        await zh.GotoAsync(OpsPaths.Catalog);
        Assert.Equal("产品目录", await zh.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(zh, "ops-catalog-zh");
        await zh.GotoAsync(OpsPaths.Plan("team"));
        await Assertions.Expect(zh.GetByRole(AriaRole.Button, new() { Name = "保存套餐" })).ToBeVisibleAsync();
        await PagesHost.ScreenshotAsync(zh, "ops-plan-zh");
    }

    [Fact]
    public async Task The_console_forms_answer_the_api_statuses_and_keep_what_was_typed()
    {
        var ops = new Browser(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Found, (await ops.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword)).StatusCode);

        var badApp = await PostAsync(ops, OpsPaths.Catalog, "create-app", ("id", "Not A Slug"), ("name", "Typed name"));
        Assert.Equal(HttpStatusCode.BadRequest, badApp.StatusCode);
        var html = await badApp.Content.ReadAsStringAsync();
        Assert.Contains("id must be 1 to 63 lower-case letters, digits, &#x27;-&#x27; or &#x27;_&#x27;", html);
        Assert.Contains("value=\"Typed name\"", html);
        var created = await PostAsync(ops, OpsPaths.Catalog, "create-app", ("id", "twice"), ("name", "Twice"));
        Assert.Equal(HttpStatusCode.Found, created.StatusCode);
        var again = await PostAsync(ops, OpsPaths.Catalog, "create-app", ("id", "twice"), ("name", "Twice"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("role=\"alert\"", await again.Content.ReadAsStringAsync());

        var badPack = await PostAsync(ops, OpsPaths.Catalog, "create-credit-pack",
            ("id", "pack-100"), ("name", "100 credits"), ("credits", "0"), ("priceMinor", "500"), ("currency", "usd"));
        Assert.Equal(HttpStatusCode.BadRequest, badPack.StatusCode);
        Assert.Contains("credits is required: a whole number from 1 to", await badPack.Content.ReadAsStringAsync());
        var pack = await PostAsync(ops, OpsPaths.Catalog, "create-credit-pack",
            ("id", "pack-100"), ("name", "100 credits"), ("credits", "100"), ("priceMinor", "500"), ("currency", "usd"));
        Assert.Equal(HttpStatusCode.Found, pack.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        var packs = await anonymous.GetFromJsonAsync<JsonElement>("/v1/credit-packs");
        var listed = packs.EnumerateArray().Single(p => p.GetProperty("id").GetString() == "pack-100");
        Assert.Equal(100, listed.GetProperty("credits").GetInt64());

        var badWindow = await PostAsync(ops, OpsPaths.Catalog, "create-quota-type",
            ("appId", "twice"), ("key", "calls"), ("name", "Calls"), ("unit", "call"), ("window", "hourly"));
        Assert.Equal(HttpStatusCode.BadRequest, badWindow.StatusCode);
        Assert.Contains("Window must be one of daily, monthly, yearly, lifetime.", await badWindow.Content.ReadAsStringAsync());

        var badPlan = await PostAsync(ops, OpsPaths.NewPlan, "plan", ("plan.Id", "cheap"), ("plan.Name", "Cheap"),
            ("plan.Prices[0].Currency", "usd"), ("plan.Prices[0].AmountMinor", "100"),
            ("plan.Interval", "week"), ("plan.TrialDays", "400"));
        Assert.Equal(HttpStatusCode.BadRequest, badPlan.StatusCode);
        html = await badPlan.Content.ReadAsStringAsync();
        Assert.Contains("interval must be month or year.", html);
        Assert.Contains("trialDays must be from 0 to 365.", html);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync(OpsPaths.Plan("no-such-plan"))).StatusCode);

        // The tenant page: an unknown tenant is 404; an operator cannot disable themselves (409, as the API answers).
        var unknown = await ops.GetAsync(OpsPaths.Tenant("no-such-tenant"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("<h1>Not found</h1>", await unknown.Content.ReadAsStringAsync()); // the status page
        var operatorAccount = await host.Api.LoginOperatorAsync();
        var self = await PostAsync(ops, OpsPaths.Tenant(operatorAccount.TenantId), "user-status",
            ("disable", operatorAccount.UserId));
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("Operators cannot disable themselves.", await self.Content.ReadAsStringAsync());
        // A plan archived (or never there) by the time the form is sent: 404 as the API answers, and nothing changes.
        var subscription = host.Api.Services.GetRequiredService<IGrainFactory>().GetGrain<ISubscriptionGrain>(operatorAccount.TenantId);
        var before = await subscription.Get();
        var grantUnknown = await PostAsync(ops, OpsPaths.Tenant(operatorAccount.TenantId), "grant-plan", ("planId", "no-such-plan"));
        Assert.Equal(HttpStatusCode.NotFound, grantUnknown.StatusCode);
        var after = await subscription.Get();
        Assert.Equal(before?.PlanId, after?.PlanId);
        Assert.Equal(before?.CurrentPeriodStart, after?.CurrentPeriodStart);
    }

    private static ILocator Form(IPage page, string button) =>
        page.Locator("form").Filter(new() { Has = page.GetByRole(AriaRole.Button, new() { Name = button }) });

    /// <summary>Posts one of a page's forms by its name, with the page's antiforgery token, as the browser would.</summary>
    private static async Task<HttpResponseMessage> PostAsync(
        Browser browser, string page, string form, params (string Name, string Value)[] fields) =>
        await browser.PostFormAsync(page, [("__RequestVerificationToken", await browser.TokenAsync(page)), ("_handler", form), .. fields]);
}
