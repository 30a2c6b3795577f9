using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Tollgate.Storage;
using Tollgate.Testing;

namespace Tollgate.Silo.Tests;

/// <summary>Where /docs is served, what it loads, and the Content-Security-Policy its pages get (the browser test renders it).</summary>
public sealed partial class ApiReferenceTests
{
    [GeneratedRegex("""(?:src|href)="([^"]*)"\s""")]
    private static partial Regex Reference();

    [Theory]
    [InlineData("Development", null)]
    [InlineData("Production", "true")]
    public async Task The_reference_is_served_in_development_and_when_OpenApi_Ui_is_true(string environment, string? ui)
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var silo = Configured(new SiloFactory(storage), environment, ui);
        using var client = silo.CreateClient();

        var page = await client.GetAsync("/docs/index.html");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var loaded = Reference().Matches(html).Select(match => match.Groups[1].Value).ToList();
        Assert.Contains("./swagger-ui-bundle.js", loaded);
        Assert.All(loaded, url => Assert.False(url.Contains("//", StringComparison.Ordinal), $"{url} is not served by the silo"));
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("script-src 'self';", policy);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs/swagger-ui-bundle.js")).StatusCode);
        // Every other page keeps its own policy.
        var signin = await client.GetAsync("/signin");
        Assert.Equal(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
            signin.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Outside_development_the_reference_is_not_served_unless_asked_for()
    {
        await using var storage = await StorageTarget.CreateAsync(StorageProviderKind.Sqlite);
        await using var silo = Configured(new SiloFactory(storage), "Production", ui: null);
        using var client = silo.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/docs/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    private static WebApplicationFactory<Program> Configured(SiloFactory silo, string environment, string? ui) =>
        silo.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            if (ui is not null) builder.UseSetting("OpenApi:Ui", ui);
        });
}
