using Microsoft.Playwright;
using Tollgate.Api.Tests;

namespace Tollgate.Pages.Tests;

/// <summary>Signing in and the language of the pages, in a real Chromium.</summary>
public sealed class SignInPageTests(PagesHost host) : IClassFixture<PagesHost>
{
    [Fact]
    public async Task The_operator_signs_in_from_a_chinese_browser_reads_the_console_in_chinese_and_switches_to_english()
    {
        var page = await host.NewPageAsync("zh-CN");

        await page.GotoAsync("/ops");
        Assert.Contains("/signin?returnUrl=%2Fops", page.Url);
        Assert.Equal("登录", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("zh-Hans", await page.Locator("html").GetAttributeAsync("lang"));
        await PagesHost.ScreenshotAsync(page, "signin-zh");
        await page.FillAsync("input[name=email]", ApiFactory.OperatorEmail);
        await page.FillAsync("input[name=password]", "not the password");
        await page.ClickAsync("main button[type=submit]");
        Assert.Equal("电子邮箱或密码错误。", await page.GetByRole(AriaRole.Alert).InnerTextAsync());

        await page.FillAsync("input[name=password]", ApiFactory.OperatorPassword);
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/ops");
        Assert.Equal("运营", await page.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(page, "ops-zh");

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await page.WaitForURLAsync("**/ops");
        Assert.Equal("Operations", await page.Locator("h1").InnerTextAsync());
        await PagesHost.ScreenshotAsync(page, "ops-en");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/signin");
        await page.GotoAsync("/ops");
        Assert.Contains("/signin?returnUrl=%2Fops", page.Url); // the session ended with the sign-out
    }
}
