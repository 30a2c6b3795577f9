using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Tollgate.Api.Telemetry;

namespace Tollgate.Api.Extensions;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The meters <c>/metrics</c> exports: Tollgate's own, ASP.NET Core's HTTP server metrics, and Orleans'.</summary>
    public static readonly IReadOnlyList<string> MeterNames =
    [
        QuotaMetrics.MeterName,
        // The runtime's storage commits (StorageMetrics.MeterName), named here because its assembly keeps it internal.
        "Tollgate.Storage",
        "Microsoft.Orleans",
    ];

    /// <summary>OpenTelemetry metrics, read by Prometheus from <c>/metrics</c> (mapped by <c>UseTollgateApi</c>).</summary>
    public static IServiceCollection AddTollgateMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.SectionName));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tollgate"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter([.. MeterNames])
                .AddPrometheusExporter());
        return services;
    }
}
