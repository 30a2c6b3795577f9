using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tollgate.Api.Tests;

namespace Tollgate.Pages.Tests;

/// <summary>
/// The customer portal in a real Chromium, one customer's way through it: registering, the free plan's quotas, a key made
/// on the page and used over HTTP, the numbers moving on the usage page and the overview; what a member may not do; the
/// same pages in Chinese; someone in no tenant making one. Screenshots of each page in both languages.
/// </summary>
public sealed class CustomerPortalTests(PagesHost host) : IClassFixture<PagesHost>
{
    private const string Password = "a long customer password";

    [Fact]
    public async Task A_customer_registers_makes_a_key_uses_it_and_sees_the_numbers_move_and_a_member_cannot_make_keys()
    {
        await CatalogFixture.CreateAsync(host.Api);
        var page = await host.NewPageAsync();

        // Registering signs the customer in and opens their new tenant's overview, on the free (default) plan.
        await page.GotoAsync("/register");
        await PagesHost.ScreenshotAsync(page, "register-en");
        await page.GetByLabel("Email").FillAsync("customer@example.com");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByLabel("Workspace name (optional)").FillAsync("Acme Robots");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.WaitForURLAsync("**/app/ten_*");
        var tenantId = new Uri(page.Url).Segments.Last();
        Assert.Equal("Overview", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("Acme Robots", await page.Locator("main p.muted").First.InnerTextAsync());
        Assert.Equal("Free", await Definition(page, "Plan"));
        Assert.Equal("Active", await Definition(page, "Status"));
        Assert.Contains("0 of 100 message used, 100 left", await Quota(page, "Messages").Locator("p").InnerTextAsync());
        Assert.Contains("0 of 1,000 token used, 1,000 left", await Quota(page, "Tokens").Locator("p").InnerTextAsync());
        Assert.Equal("100", await Quota(page, "Messages").Locator("progress").GetAttributeAsync("max"));
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Credits" }).CountAsync()); // no credits yet

        // A key made on the page is shown once, with a copy button.
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.WaitForURLAsync($"**/app/{tenantId}/keys");
        Assert.True(await page.GetByText("This tenant has no API keys.").IsVisibleAsync());
        await page.GetByLabel("Name").FillAsync("Robot fleet");
        Assert.True(await page.GetByRole(AriaRole.Checkbox, new() { Name = "quota:consume" }).IsCheckedAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = (await page.Locator(".secret").InnerTextAsync()).Trim();
        Assert.StartsWith("tg_", key);
        Assert.Equal("#new-key", await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).GetAttributeAsync("data-copy"));
        await PagesHost.ScreenshotAsync(page, "keys-en");
        await page.GotoAsync($"/app/{tenantId}/keys");
        Assert.Equal(0, await page.Locator(".secret").CountAsync()); // never again
        var row = page.Locator("tbody tr", new() { HasText = "Robot fleet" });
        Assert.Contains(key[..8], await row.Locator("code").InnerTextAsync());
        Assert.Equal("quota:consume", await row.Locator("td").Nth(2).InnerTextAsync());

        // The app consumes with the key over HTTP; the usage page and the overview show it.
        var app = host.Api.WithApiKey(key);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsJsonAsync("/v1/quota/consume", Use(CatalogFixture.Messages, 7))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsJsonAsync("/v1/quota/consume", Use(CatalogFixture.Tokens, 250))).StatusCode);

        await page.GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();
        await page.WaitForURLAsync($"**/app/{tenantId}/usage");
        Assert.Equal(30, await UsageTable(page, "Messages").Locator("tbody tr").CountAsync());
        Assert.Equal(7, await NetTotalAsync(page, "Messages"));
        Assert.Equal(250, await NetTotalAsync(page, "Tokens"));
        Assert.Equal(1, await UsageSection(page, "Messages").Locator(".chart svg[role=img]").CountAsync());
        await PagesHost.ScreenshotAsync(page, "usage-en");
        await page.GetByRole(AriaRole.Link, new() { Name = "Last 12 months, by month" }).ClickAsync();
        await page.WaitForURLAsync("**/usage?by=month");
        Assert.Equal(12, await UsageTable(page, "Messages").Locator("tbody tr").CountAsync());
        Assert.Equal(7, await NetTotalAsync(page, "Messages"));
        await PagesHost.ScreenshotAsync(page, "usage-month-en");
        var csv = await page.Context.APIRequest.GetAsync($"/app/{tenantId}/usage.csv?by=month");
        Assert.Equal(200, csv.Status);
        var lines = (await csv.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,at,quotaType,kind,amount", lines[0]);
        Assert.Equal(2, lines.Length - 1);
        Assert.Contains(lines, line => line.Contains($"\"{CatalogFixture.Messages}\",\"consume\",\"7\"", StringComparison.Ordinal));

        // Credits granted by the operator appear on the overview with the quotas' new numbers.
        var ops = host.Api.As((await host.Api.LoginOperatorAsync()).AccessToken);
        var grant = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/tenants/{tenantId}/credits/grants")
        {
            Content = JsonContent.Create(new { amount = 500, source = "promotion", reason = "welcome" }),
            Headers = { { "Idempotency-Key", "welcome-credits" } },
        };
        Assert.Equal(HttpStatusCode.Created, (await ops.SendAsync(grant)).StatusCode);
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await page.WaitForURLAsync($"**/app/{tenantId}");
        Assert.Contains("7 of 100 message used, 93 left", await Quota(page, "Messages").Locator("p").InnerTextAsync());
        Assert.Equal("7", await Quota(page, "Messages").Locator("progress").GetAttributeAsync("value"));
        Assert.Contains("250 of 1,000 token used, 750 left", await Quota(page, "Tokens").Locator("p").InnerTextAsync());
        Assert.Equal("500", await page.Locator(".credits-available").InnerTextAsync());
        await PagesHost.ScreenshotAsync(page, "overview-en");

        // A member reads the keys but sees no form to make or revoke one, and a post made anyway is refused.
        var customer = await LoginAsync("customer@example.com", Password, tenantId);
        var member = await host.Api.RegisterAsync("member@example.com");
        await host.Api.AddMemberAsync(customer, tenantId, member, "member");
        var memberPage = await host.NewPageAsync();
        await PagesHost.SignInAsync(memberPage, member.Email, member.Password, $"/app/{tenantId}/keys");
        Assert.Equal(1, await memberPage.Locator("tbody tr", new() { HasText = "Robot fleet" }).CountAsync());
        Assert.Equal(0, await memberPage.GetByRole(AriaRole.Heading, new() { Name = "Create an API key" }).CountAsync());
        Assert.Equal(0, await memberPage.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).CountAsync());
        await PagesHost.ScreenshotAsync(memberPage, "keys-member-en");
        var memberBrowser = new Browser(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Found, (await memberBrowser.SignInAsync(member.Email, member.Password)).StatusCode);
        var keysPath = $"/app/{tenantId}/keys";
        var token = await memberBrowser.TokenAsync(keysPath);
        var created = await memberBrowser.PostFormAsync(keysPath,
            ("__RequestVerificationToken", token), ("_handler", "create-key"), ("name", "sneaky"), ("scopes", "quota:consume"));
        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        var keyId = (await host.Api.As(customer.AccessToken).GetFromJsonAsync<JsonElement>($"/v1/tenants/{tenantId}/api-keys"))
            .EnumerateArray().Single().GetProperty("id").GetString()!;
        var revoked = await memberBrowser.PostFormAsync(keysPath,
            ("__RequestVerificationToken", token), ("_handler", "revoke-key"), ("keyId", keyId));
        Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsJsonAsync("/v1/quota/check", Use(CatalogFixture.Messages, 1))).StatusCode);

        // The owner revokes it on the page; the app's next call is refused.
        await page.GotoAsync(keysPath);
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke Robot fleet" }).ClickAsync();
        await page.WaitForURLAsync($"**{keysPath}");
        Assert.True(await page.GetByText("This tenant has no API keys.").IsVisibleAsync());
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await app.PostAsJsonAsync("/v1/quota/check", Use(CatalogFixture.Messages, 1))).StatusCode);

        // The same pages in Chinese.
        var zh = await host.NewPageAsync("zh-CN");
        await zh.GotoAsync("/register");
        Assert.Equal("创建账号", await zh.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(zh, "register-zh");
        await PagesHost.SignInAsync(zh, "customer@example.com", Password, $"/app/{tenantId}");
        Assert.Equal("概览", await zh.Locator("h1").InnerTextAsync());
        Assert.Contains("已用 7 / 100 message，剩余 93", await Quota(zh, "Messages").Locator("p").InnerTextAsync());
        await PagesHost.ScreenshotAsync(zh, "overview-zh");
        await zh.GotoAsync($"/app/{tenantId}/usage");
        Assert.Equal("用量", await zh.Locator("h1").InnerTextAsync());
        Assert.Equal("净用量", await UsageTable(zh, "Messages").Locator("thead th").Nth(3).InnerTextAsync());
        await PagesHost.ScreenshotAsync(zh, "usage-zh");
        await zh.GotoAsync(keysPath);
        Assert.Equal("API 密钥", await zh.Locator("h1").InnerTextAsync());
        Assert.Equal("创建 API 密钥", await zh.Locator("h2").Last.InnerTextAsync());
        await PagesHost.ScreenshotAsync(zh, "keys-zh");
    }

    [Fact]
    public async Task Registration_keeps_the_apis_rules_and_someone_in_no_tenant_makes_one()
    {
        var browser = new Browser(host.BaseAddress);
        var weak = await browser.SubmitAsync("/register", "/register", ("email", "weak@example.com"), ("password", "short"));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        var html = await weak.Content.ReadAsStringAsync();
        Assert.Contains("Password must be at least 12 characters long.", html);
        Assert.Contains("value=\"weak@example.com\"", html); // what was typed is kept
        Assert.Null(Browser.PageCookie(weak));

        await host.Api.RegisterAsync("taken@example.com");
        var taken = await browser.SubmitAsync("/register", "/register", ("email", " Taken@Example.com"), ("password", Password));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("An account with this email already exists.", await taken.Content.ReadAsStringAsync());

        var chinese = new Browser(host.BaseAddress);
        chinese.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        var weakInChinese = await chinese.SubmitAsync("/register", "/register",
            ("email", "weak@example.com"), ("password", "weak@example.com"));
        Assert.Equal(HttpStatusCode.BadRequest, weakInChinese.StatusCode);
        Assert.Contains("密码不能是电子邮箱地址或其 @ 之前的部分。", await weakInChinese.Content.ReadAsStringAsync());

        var registered = await browser.SubmitAsync("/register", "/register",
            ("email", "fresh@example.com"), ("password", Password), ("name", ""));
        Assert.Equal(HttpStatusCode.Found, registered.StatusCode);
        Assert.StartsWith("/app/ten_", registered.Headers.Location?.OriginalString);
        Assert.NotNull(Browser.PageCookie(registered));
        var fresh = await LoginAsync("fresh@example.com", Password, "");
        var me = await host.Api.As(fresh.AccessToken).GetFromJsonAsync<JsonElement>("/v1/me");
        Assert.Equal("fresh", me.GetProperty("name").GetString()); // named as the API names an account without a name

        // Someone whose only tenant removed them is offered to make one, as POST /v1/tenants does.
        var leaver = await host.Api.RegisterAsync("leaver@example.com");
        var partner = await host.Api.RegisterAsync("partner@example.com");
        await host.Api.AddMemberAsync(leaver, leaver.TenantId, partner, "owner");
        Assert.Equal(HttpStatusCode.NoContent,
            (await host.Api.As(partner.AccessToken).DeleteAsync($"/v1/tenants/{leaver.TenantId}/members/{leaver.UserId}")).StatusCode);

        var zh = await host.NewPageAsync("zh-CN");
        await PagesHost.SignInAsync(zh, leaver.Email, leaver.Password, "/app");
        Assert.Equal("你的租户", await zh.Locator("h1").InnerTextAsync());
        Assert.Equal("创建租户", await zh.Locator("h2").InnerTextAsync());
        await PagesHost.ScreenshotAsync(zh, "home-zh");

        var leaverBrowser = new Browser(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Found, (await leaverBrowser.SignInAsync(leaver.Email, leaver.Password)).StatusCode);
        var unnamed = await leaverBrowser.SubmitAsync("/app", "/app", ("name", "   "));
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Contains("Name is required.", await unnamed.Content.ReadAsStringAsync());

        var page = await host.NewPageAsync();
        await PagesHost.SignInAsync(page, leaver.Email, leaver.Password, "/app");
        Assert.Equal("Your tenants", await page.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(page, "home-en");
        await page.GetByLabel("Name").FillAsync("Leaver Labs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }).ClickAsync();
        await page.WaitForURLAsync("**/app/ten_*");
        Assert.Contains("Leaver Labs", await page.Locator("main p.muted").First.InnerTextAsync());
        Assert.Contains("Owner", await page.Locator("main p.muted").First.InnerTextAsync());

        // The emailed links' pages, in both languages (what they do is tested in the API tests).
        foreach (var (locale, suffix) in new[] { ("en-US", "en"), ("zh-CN", "zh") })
        {
            var links = await host.NewPageAsync(locale);
            await links.GotoAsync("/verify-email?token=not-a-token");
            await PagesHost.ScreenshotAsync(links, "verify-email-" + suffix);
            await links.GetByRole(AriaRole.Button).Last.ClickAsync();
            Assert.Equal(suffix == "en" ? "Verify your email" : "验证电子邮箱", await links.Locator("h1").InnerTextAsync());
            Assert.NotEmpty(await links.GetByRole(AriaRole.Alert).InnerTextAsync());
            await links.GotoAsync("/reset-password?token=not-a-token");
            Assert.Equal(suffix == "en" ? "Choose a new password" : "设置新密码", await links.Locator("h1").InnerTextAsync());
            await PagesHost.ScreenshotAsync(links, "reset-password-" + suffix);
        }
    }

    private static object Use(string quotaType, long amount) => new { quotaType, amount };

    private static ILocator Quota(IPage page, string name) =>
        page.Locator(".quota", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = name }) });

    private static ILocator UsageSection(IPage page, string name) =>
        page.Locator("section.usage", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true }) });

    private static ILocator UsageTable(IPage page, string name) => UsageSection(page, name).Locator("table");

    private static async Task<string> Definition(IPage page, string term) =>
        await page.Locator($"dl.definitions dt:text-is(\"{term}\") + dd").First.InnerTextAsync();

    /// <summary>The net column added up, so that a day ending between the consume and the page does not matter.</summary>
    private static async Task<long> NetTotalAsync(IPage page, string quota)
    {
        var cells = await UsageTable(page, quota).Locator("tbody td:nth-of-type(3)").AllInnerTextsAsync();
        return cells.Sum(cell => long.Parse(cell, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }

    private async Task<Account> LoginAsync(string email, string password, string tenantId)
    {
        var response = await host.Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var me = await host.Api.As(body.GetProperty("accessToken").GetString()!).GetFromJsonAsync<JsonElement>("/v1/me");
        return new Account(me.GetProperty("id").GetString()!, email, password, tenantId,
            body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }
}
