namespace Tollgate.Api.Webhooks;

/// <summary>Bound from the <c>Webhooks</c> section: how each silo's dispatcher delivers tenants' events.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>How often each silo looks for new events and deliveries due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an attempt waits for the receiver's answer (at most a minute: a claim lasts two).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after a first failed attempt, doubled after each further one up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Endpoints must be https; true also takes <c>http://localhost</c>, <c>http://127.0.0.1</c> and <c>http://[::1]</c>, for a
    /// receiver on the silo's own machine (development, tests).
    /// </summary>
    public bool AllowLoopbackHttp { get; set; }
}
