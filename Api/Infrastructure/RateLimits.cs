using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Tollgate.Api.Auth;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// The rate limits of <see cref="RateLimitOptions"/>: per client address on the endpoints that name
/// <see cref="RateLimitOptions.AuthPolicy"/>, and per API key on the quota paths when that limit is on. Refusals are 429
/// problems (<c>rate_limited</c>) with <c>Retry-After</c>. A singleton, so its limiters (each ticks on a process-wide
/// timer) are disposed with the app: ASP.NET Core's rate limiting middleware never disposes the limiter it makes, and its
/// timer kept every stopped app, silo included, reachable for as long as the process ran (dotnet/aspnetcore#66434).
/// </summary>
internal sealed class RateLimits : IAsyncDisposable
{
    private const string QuotaPath = "/v1/quota";

    private readonly PartitionedRateLimiter<HttpContext> _auth;
    private readonly PartitionedRateLimiter<HttpContext>? _quota;

    public RateLimits(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _auth = PartitionedRateLimiter.Create<HttpContext, string>(http => limits.Auth.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "", _ => Window(limits.Auth))
            : RateLimitPartition.GetNoLimiter(""));
        // Every request would pass through it, so it exists only when the per-key limit is on.
        if (limits.Quota.Enabled) _quota = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            http.Request.Path.StartsWithSegments(QuotaPath, StringComparison.OrdinalIgnoreCase)
            && http.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString() is { Length: > 0 } key
                ? RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(limits.Quota))
                : RateLimitPartition.GetNoLimiter(""));
    }

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        using var quota = _quota?.AttemptAcquire(http);
        if (quota is { IsAcquired: false })
        {
            await RejectAsync(http, quota);
            return;
        }
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        if (policy is not null && policy != RateLimitOptions.AuthPolicy)
            throw new InvalidOperationException($"No rate limit policy is named '{policy}'.");
        // Only attempts count: loading the sign-in page is not one, posting it is.
        using var auth = policy is null || HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            ? null
            : _auth.AttemptAcquire(http);
        if (auth is { IsAcquired: false })
        {
            await RejectAsync(http, auth);
            return;
        }
        await next(http);
    }

    public async ValueTask DisposeAsync()
    {
        await _auth.DisposeAsync();
        if (_quota is not null) await _quota.DisposeAsync();
    }

    private static FixedWindowRateLimiterOptions Window(RateLimitOptions.FixedWindow limit) =>
        new() { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0, AutoReplenishment = true };

    private static async Task RejectAsync(HttpContext http, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (Pages.PageStatusPages.IsPage(http))
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests; // answered with a page in the reader's language
            return;
        }
        await Problems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests",
            $"Too many requests from this client. Try again in {seconds} seconds.").ExecuteAsync(http);
    }
}
