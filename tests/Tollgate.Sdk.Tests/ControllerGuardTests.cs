using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.AspNetCore;
using Tollgate.Sample.Auth;

namespace Tollgate.Sdk.Tests;

/// <summary>The guards as attributes on an MVC controller, in an app of the test's own over Kestrel, against the harness's silo.</summary>
[Collection(HarnessCollection.Name)]
public sealed class ControllerGuardTests(Harness harness)
{
    [Fact]
    public async Task Attributes_on_a_controller_and_its_actions_guard_them_the_nearest_winning()
    {
        Assert.Equal(GuardedController.QuotaType, harness.Description.QuotaType);
        Assert.Equal(GuardedController.Tool, harness.Description.Tool);
        var tenant = await harness.NewTenantAsync();
        await using var app = await StartAsync(tenant);
        using var caller = new HttpClient { BaseAddress = Address(app) };
        caller.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "alice-token");

        using var byClass = await caller.PostAsync("/guarded/report", null);
        using var byAction = await caller.PostAsync("/guarded/render", null);
        using var anonymous = new HttpClient { BaseAddress = Address(app) };
        using var unauthenticated = await anonymous.PostAsync("/guarded/report", null);

        Assert.Equal(HttpStatusCode.OK, byClass.StatusCode);
        Assert.Equal("8", byClass.Headers.GetValues("X-Quota-Remaining").Single()); // the class's amount, 2
        Assert.Equal(HttpStatusCode.OK, byAction.StatusCode);
        Assert.Equal("96", byAction.Headers.GetValues("X-Credits-Remaining").Single()); // the action's guard, not the class's
        Assert.False(byAction.Headers.Contains("X-Quota-Remaining"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    private async Task<WebApplication> StartAsync(HarnessTenant tenant)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tollgate:BaseUrl"] = harness.Description.BaseUrl,
            ["Tollgate:ApiKey"] = tenant.ApiKey,
            ["Sample:Users:alice:Token"] = "alice-token",
            ["Sample:Users:alice:TenantId"] = tenant.TenantId,
        });
        builder.Services.AddAuthentication(SampleTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SampleTokenHandler>(SampleTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddControllers().AddApplicationPart(typeof(GuardedController).Assembly);
        builder.Services.AddTollgate();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTollgate();
        app.MapControllers();
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(((IApplicationBuilder)app).ServerFeatures.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
}

[ApiController]
[Route("guarded")]
[Authorize]
[RequireQuota(QuotaType, 2)]
public sealed class GuardedController : ControllerBase
{
    public const string QuotaType = "sdk/calls";
    public const string Tool = "sdk/render";

    [HttpPost("report")]
    public IActionResult Report() => Ok(new { report = "ready" });

    [HttpPost("render")]
    [RequireCredits(Tool, 2)]
    public IActionResult Render() => Ok(new { render = "done" });
}
