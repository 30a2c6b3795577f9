using System.Globalization;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Tollgate.Client;

namespace Microsoft.Extensions.DependencyInjection;

public static class TollgateClientServiceCollectionExtensions
{
    /// <summary>The name of the client's resilience pipeline (retries and per-attempt timeout).</summary>
    public const string PipelineName = "tollgate";

    /// <summary>
    /// Registers <see cref="TollgateClient"/> on IHttpClientFactory, its options bound from the <c>Tollgate</c> configuration
    /// section (<c>Tollgate:BaseUrl</c>, <c>Tollgate:ApiKey</c>, <c>Tollgate:MaxAttempts</c>, ...) and then
    /// <paramref name="configure"/>. Calls are retried under the same <c>Idempotency-Key</c> on network errors, timeouts,
    /// 408, 429 and 5xx, waiting what <c>Retry-After</c> says or a capped exponential backoff with jitter.
    /// </summary>
    public static IHttpClientBuilder AddTollgateClient(this IServiceCollection services, Action<TollgateClientOptions>? configure = null)
    {
        var options = services.AddOptions<TollgateClientOptions>().BindConfiguration(TollgateClientOptions.Section)
            .Validate(o => o.BaseUrl is { IsAbsoluteUri: true } && !string.IsNullOrWhiteSpace(o.ApiKey),
                "Tollgate:BaseUrl (an absolute URL) and Tollgate:ApiKey are required.")
            .Validate(o => o.MaxAttempts >= 1 && o.AttemptTimeout > TimeSpan.Zero, "Tollgate:MaxAttempts must be at least 1 and "
                + "Tollgate:AttemptTimeout more than 0.")
            .ValidateOnStart();
        if (configure is not null) options.Configure(configure);

        var client = services.AddHttpClient<TollgateClient>((provider, http) =>
        {
            var settings = provider.GetRequiredService<IOptions<TollgateClientOptions>>().Value;
            var baseUrl = settings.BaseUrl!.ToString();
            http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            http.DefaultRequestHeaders.Add("X-Api-Key", settings.ApiKey);
            http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline times each attempt
        });
        client.AddResilienceHandler(PipelineName, (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<IOptions<TollgateClientOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<TollgateClient>();
            if (settings.MaxAttempts > 1) pipeline.AddRetry(RetryOptions(settings, logger));
            pipeline.AddTimeout(settings.AttemptTimeout);
        });
        return client;
    }

    /// <summary>
    /// The transient outcomes of <see cref="HttpRetryStrategyOptions"/>' defaults (network errors, timeouts, 408, 429,
    /// 5xx) on POST too: every mutating call carries an Idempotency-Key, so a retry cannot deduct twice.
    /// </summary>
    internal static HttpRetryStrategyOptions RetryOptions(TollgateClientOptions settings, ILogger logger) => new()
    {
        MaxRetryAttempts = settings.MaxAttempts - 1,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = settings.RetryDelay,
        MaxDelay = settings.MaxRetryDelay,
        ShouldRetryAfterHeader = true,
        OnRetry = arguments =>
        {
            var request = arguments.Outcome.Result?.RequestMessage;
            var failure = arguments.Outcome.Result is { } response
                ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                : arguments.Outcome.Exception?.GetType().Name;
            logger.LogWarning("Tollgate call {Method} {Path} failed ({Failure}) on attempt {Attempt}; retrying in {Delay} ms",
                request?.Method, request?.RequestUri?.AbsolutePath, failure, arguments.AttemptNumber + 1,
                arguments.RetryDelay.TotalMilliseconds);
            return default;
        },
    };
}
