namespace Tollgate.Api.Payments;

/// <summary>The <c>Stripe:*</c> configuration section.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>The API version every request is pinned to, so Stripe's objects keep the shape this code reads.</summary>
    public const string ApiVersion = "2025-09-30.clover";

    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
    public Uri ApiBase { get; set; } = new("https://api.stripe.com");

    /// <summary>How old a webhook's signed timestamp may be (Stripe's libraries use 300 s).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Attempts per request, the first included, on 429, 5xx and network errors.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; each later one doubles it (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
