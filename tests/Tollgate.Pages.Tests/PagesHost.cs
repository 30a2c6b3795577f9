using Microsoft.Playwright;
using Tollgate.Api.Tests;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Pages.Tests;

/// <summary>
/// One silo served by Kestrel on 127.0.0.1 (a real Chromium cannot reach the in-memory test server) and one headless
/// Chromium (Debian's, which .ci/run installs), shared by the tests of a class. Each test opens its own browser context:
/// its own cookies, and the language it asks for.
/// </summary>
public class PagesHost : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private StorageTarget _storage = null!;
    private IPlaywright _playwright = null!;

    public ApiFactory Api { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public TestMailbox Mailbox { get; } = new();
    public MissingTranslations MissingTranslations { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Configuration on top of the API tests' defaults (a fake Stripe, say).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Runs before the silo starts, for fakes whose addresses go into <see cref="Settings"/>.</summary>
    protected virtual Task StartFakesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (.ci/run does).");
        await StartFakesAsync();
        _storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        Api = new ApiFactory(_storage, Mailbox, settings: Settings, services: MissingTranslations.Install);
        var port = FreePorts.Next();
        Api.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        Api.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (no cookies) whose <c>Accept-Language</c> is <paramref name="locale"/>.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        // A deadline, not a measure: the pages' tests now run beside the API tests on two cores, and a navigation under that
        // load took over 15 s once (a fresh-clone .ci/run on a machine shared with other builds).
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in page, as a person would, and waits until the browser has left it.</summary>
    public static async Task SignInAsync(IPage page, string email, string password, string returnUrl = "/app")
    {
        await page.GotoAsync("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.FillAsync("input[name=email]", email);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
    }

    /// <summary>
    /// Keeps a full-page screenshot as <c>screenshots/{name}.png</c> beside the test assembly (CI keeps the test output);
    /// the README's pictures are copies of two of them.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 5_000, $"the screenshot {name} is empty");
    }

    public virtual async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Api.DisposeAsync();
        await _storage.DisposeAsync();
        await Mailbox.DisposeAsync();
    }
}
