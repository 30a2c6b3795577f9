using System.Net;

namespace Tollgate.Api.Tests;

/// <summary>Every redirect is a path on this site, whatever Host the request names.</summary>
public sealed class HostHeaderTests : ApiTestBase
{
    [Fact]
    public async Task Redirects_are_relative_whatever_the_Host_header_says()
    {
        var browser = new Browser(Api, new Uri("http://evil.example"));

        var dashboard = await browser.GetAsync("/dashboard");
        var ops = await browser.GetAsync("/ops?tab=1");
        var signedIn = await browser.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "/ops");
        var signedInToDefault = await new Browser(Api, new Uri("http://evil.example"))
            .SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);
        var dashboardSignedIn = await browser.GetAsync("/dashboard");
        var signedOut = await browser.SubmitAsync("/ops", "/signout");

        Assert.Equal(HttpStatusCode.Found, dashboard.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fdashboard", dashboard.Headers.Location?.OriginalString);
        Assert.Equal("/signin?returnUrl=%2Fops%3Ftab%3D1", ops.Headers.Location?.OriginalString);
        Assert.Equal("/ops", signedIn.Headers.Location?.OriginalString);
        Assert.Equal("/app", signedInToDefault.Headers.Location?.OriginalString);
        Assert.True(dashboardSignedIn.Headers.Location is null || !dashboardSignedIn.Headers.Location.IsAbsoluteUri,
            $"the dashboard redirects to {dashboardSignedIn.Headers.Location}");
        Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        Assert.Equal("/signin", signedOut.Headers.Location?.OriginalString);
    }
}

/// <summary>With <c>AllowedHosts</c> set, as README asks for production, another Host is refused before anything runs.</summary>
public sealed class AllowedHostsTests : ApiTestBase
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["AllowedHosts"] = "tollgate.example" };

    [Fact]
    public async Task A_request_for_another_host_gets_400()
    {
        var evil = await new Browser(Api, new Uri("http://evil.example")).GetAsync("/dashboard");
        var own = await new Browser(Api, new Uri("https://tollgate.example")).GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.BadRequest, evil.StatusCode);
        Assert.Null(evil.Headers.Location);
        Assert.Equal(HttpStatusCode.Found, own.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fdashboard", own.Headers.Location?.OriginalString);
    }
}
