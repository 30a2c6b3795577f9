namespace Tollgate.Api.Payments;

/// <summary>The <c>Stripe:*</c> configuration section.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
    public Uri ApiBase { get; set; } = new("https://api.stripe.com");

    /// <summary>How old a webhook's signed timestamp may be (Stripe's libraries use 300 s).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Attempts per request, the first included, on 409, 429, 5xx and network errors. Stripe.net makes
    /// the retries, with its own backoff: 0.5 s doubling up to 5 s, with jitter.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;
}
