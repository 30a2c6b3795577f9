using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Extensions;

public static class RateLimitingServiceCollectionExtensions
{
    private const string QuotaPath = "/v1/quota";

    /// <summary>
    /// Rate limits from <c>RateLimits:*</c>: per client address on the credential endpoints, and per
    /// API key on the quota paths when configured. Refusals are 429 problems (<c>rate_limited</c>) with <c>Retry-After</c>.
    /// </summary>
    public static IServiceCollection AddTollgateRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, configured) =>
        {
            var limits = configured.Value;
            options.OnRejected = RejectAsync;
            options.AddPolicy(RateLimitOptions.AuthPolicy, http => limits.Auth.Enabled
                ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "", _ => Window(limits.Auth))
                : RateLimitPartition.GetNoLimiter(""));
            // A global limiter sees every request, so it is installed only when the per-key limit is on.
            if (limits.Quota.Enabled) options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments(QuotaPath, StringComparison.OrdinalIgnoreCase)
                && http.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString() is { Length: > 0 } key
                    ? RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(limits.Quota))
                    : RateLimitPartition.GetNoLimiter(""));
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(RateLimitOptions.FixedWindow limit) =>
        new() { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0, AutoReplenishment = true };

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests",
            $"Too many requests from this client. Try again in {seconds} seconds.").ExecuteAsync(http);
    }
}
