using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Tollgate.Api.Telemetry;

namespace Tollgate.Api.Extensions;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// The meters <c>/metrics</c> exports: Tollgate's own, ASP.NET Core's HTTP server and connection metrics,
    /// Orleans', and the .NET runtime's. Each measurement a meter records per request costs every request;
    /// ASP.NET Core's routing, authentication, authorization and memory-pool meters (which OpenTelemetry's
    /// ASP.NET Core instrumentation would add) record several per request and nobody reads them, so they
    /// stay off. The runtime's (GC, allocated bytes, thread pool) are read only when scraped.
    /// </summary>
    public static readonly IReadOnlyList<string> MeterNames =
    [
        QuotaMetrics.MeterName,
        // The runtime's storage commits (StorageMetrics.MeterName), named here because its assembly keeps it internal.
        "Tollgate.Storage",
        "Microsoft.AspNetCore.Hosting", // http.server.request.duration, by route and status
        "Microsoft.AspNetCore.Server.Kestrel", // connections
        "Microsoft.AspNetCore.Diagnostics", // unhandled exceptions
        "Microsoft.Orleans",
        "System.Runtime",
    ];

    /// <summary>OpenTelemetry metrics, read by Prometheus from <c>/metrics</c> (mapped by <c>UseTollgateApi</c>).</summary>
    public static IServiceCollection AddTollgateMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.SectionName));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tollgate"))
            .WithMetrics(metrics => metrics
                .AddMeter([.. MeterNames])
                .AddPrometheusExporter());
        return services;
    }
}
