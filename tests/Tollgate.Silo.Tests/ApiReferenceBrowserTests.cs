using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>
/// A reader opens the API reference at /docs in a real Chromium, with every request that leaves the machine
/// refused: the page renders from what the silo serves alone, lists every operation of the document, and
/// breaks no rule of its Content-Security-Policy. A screenshot of it is kept with the test output.
/// </summary>
public sealed class ApiReferenceBrowserTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(new Dictionary<string, string> { ["OpenApi__Ui"] = "true" }); // outside Development
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        await _silo.StartAsync();
        (_playwright, _browser) = await HeadlessChromium.LaunchAsync();
    }

    [Fact]
    public async Task The_reference_renders_every_operation_with_the_outside_network_cut()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _silo.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 },
        });
        var outside = new ConcurrentQueue<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Host is not ("127.0.0.1" or "localhost"))
            {
                outside.Enqueue(route.Request.Url);
                await route.AbortAsync();
            }
            else await route.ContinueAsync();
        });
        var page = await context.NewPageAsync();
        var violations = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Enqueue(message.Text);
        };

        var response = await page.GotoAsync("/docs");
        Assert.NotNull(response);
        Assert.EndsWith("/docs/index.html", page.Url);
        Assert.Contains("script-src 'self'", await response.HeaderValueAsync("content-security-policy"));
        var operations = await OperationCountAsync(page);
        await page.Locator(".opblock").Nth(operations - 1).WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(operations, await page.Locator(".opblock").CountAsync());
        Assert.True(await page.GetByText("/v1/quota/consume", new() { Exact = true }).IsVisibleAsync(), "the consume operation is not listed");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "docs.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = false });
        Assert.Empty(outside);
        Assert.Empty(violations);
    }

    private static async Task<int> OperationCountAsync(IPage page)
    {
        var document = await page.APIRequest.GetAsync("/openapi/v1.json");
        using var json = JsonDocument.Parse(await document.TextAsync());
        return json.RootElement.GetProperty("paths").EnumerateObject()
            .Sum(path => path.Value.EnumerateObject().Count(method => method.Name is "get" or "post" or "put" or "patch" or "delete"));
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _silo.Dispose();
    }
}
