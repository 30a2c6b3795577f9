using Microsoft.Extensions.Options;
using Tollgate.Api.Auth;
using Tollgate.Api.Telemetry;

namespace Tollgate.Api;

public static class MetricsApi
{
    public const string Path = "/metrics";

    /// <summary>
    /// <c>/metrics</c> in Prometheus' text format; behind the operator's sign-in when <c>Metrics:RequireOperator</c> is true.
    /// </summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint(Path).WithTags("Metrics").ExcludeFromDescription();
        if (app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.RequireOperator)
            endpoint.RequireAuthorization(AuthorizationPolicies.PlatformOperatorPage);
        return app;
    }
}
