using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Tollgate.Testing;

namespace Tollgate.Sdk.Harness;

/// <summary>The routes an SDK suite steers the harness with: a fresh tenant per test, and the proxy's next answer dropped.</summary>
public sealed class ControlRoutes : IAsyncDisposable
{
    private readonly WebApplication _app;

    public Uri BaseAddress { get; }

    private ControlRoutes(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public static async Task<ControlRoutes> StartAsync(SdkCatalog catalog, DroppingProxy proxy)
    {
        var app = LoopbackApp.Create();
        app.MapPost("/tenants", async () =>
        {
            var tenant = JsonSerializer.Serialize(await catalog.NewTenantAsync(), HarnessJson.Default.HarnessTenant);
            return Results.Text(tenant, "application/json", statusCode: 201);
        });
        app.MapPost("/proxy/drop-next", () =>
        {
            proxy.DropNext();
            return Results.NoContent();
        });
        app.MapGet("/proxy/forwarded", () => Results.Text($$"""{"count":{{proxy.Forwarded}}}""", "application/json"));
        await app.StartAsync();
        return new ControlRoutes(app, new Uri(app.Urls.Single()));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
