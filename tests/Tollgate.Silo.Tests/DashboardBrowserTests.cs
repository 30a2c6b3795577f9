using System.Net;
using Microsoft.Playwright;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>
/// The operator opens the Orleans Dashboard in a real Chromium (Debian's, which .ci/run installs):
/// sent to /signin, signs in, and lands on the dashboard. A screenshot of it is kept with the test output.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        await _silo.StartAsync();
        (_playwright, _browser) = await HeadlessChromium.LaunchAsync();
    }

    [Fact]
    public async Task The_operator_signs_in_and_sees_the_dashboard_and_no_grain_state_that_holds_secrets()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = _silo.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });

        await page.GotoAsync("/dashboard");
        Assert.EndsWith("/signin?returnUrl=%2Fdashboard", page.Url);
        await page.FillAsync("input[name=email]", SiloProcess.OperatorEmail);
        await page.FillAsync("input[name=password]", SiloProcess.OperatorPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/dashboard**");
        // The dashboard's own page, filled in by its script from the silo's statistics.
        await page.GetByText("Silos", new() { Exact = false }).First.WaitForAsync(new() { Timeout = 30_000 });

        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");

        // With the operator's cookie: a user's state (its password hash) is refused, a counter's is not.
        var userState = await page.APIRequest.GetAsync("/dashboard/GrainState?grainId=usr_x&grainType=Tollgate.Grains.Identity.UserGrain");
        Assert.Equal((int)HttpStatusCode.Forbidden, userState.Status);
        var counterState = await page.APIRequest.GetAsync("/dashboard/GrainState?grainId=t%2Fq&grainType=Tollgate.Grains.Quotas.QuotaCounterGrain");
        Assert.NotEqual((int)HttpStatusCode.Forbidden, counterState.Status);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _silo.Dispose();
    }
}
