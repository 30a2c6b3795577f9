namespace Tollgate.Client;

/// <summary>Where Tollgate is and how hard to try; bound from the <c>Tollgate</c> configuration section.</summary>
public sealed class TollgateClientOptions
{
    public const string Section = "Tollgate";

    /// <summary>Tollgate's address, e.g. <c>https://tollgate.example.com/</c> (a path prefix is kept).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The API key (<c>tg_...</c>) sent as <c>X-Api-Key</c>: a tenant's key, or a platform key that names the tenant.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Attempts per call, the first included: retries go on network errors, 408, 429 and 5xx.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long one attempt may take before it counts as failed (and is retried).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry's delay when Tollgate sends no <c>Retry-After</c>; it doubles per retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait before a retry, <c>Retry-After</c> included.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
