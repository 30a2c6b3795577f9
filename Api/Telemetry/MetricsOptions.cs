namespace Tollgate.Api.Telemetry;

/// <summary>Bound from the <c>Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// When true, <c>/metrics</c> answers only the platform operator signed in at <c>/signin</c>.
    /// Off by default: it shows operational numbers only, and Prometheus scrapers cannot sign in;
    /// keep it on a network only the scraper reaches instead.
    /// </summary>
    public bool RequireOperator { get; set; }
}
