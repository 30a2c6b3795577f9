using Microsoft.Playwright;

namespace Tollgate.Silo.Tests;

/// <summary>Debian's Chromium (which .ci/run installs), headless under Playwright; never a browser Playwright downloads.</summary>
public static class HeadlessChromium
{
    private const string Executable = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: install Debian's chromium package (.ci/run does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        return (playwright, browser);
    }
}
