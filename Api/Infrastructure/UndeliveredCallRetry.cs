using Orleans.Runtime;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// Runs a request again when a grain call it made was rejected: a rejected call never ran, so
/// running the request again cannot apply anything twice. While a dead silo is being declared
/// dead (about ten seconds), calls to grains it held are rejected; after that they activate on a
/// survivor. Past the deadline the rejection reaches the exception handler, which answers 503
/// with Retry-After. Calls that may have run (a silo dying mid-call) are never retried.
/// </summary>
internal static class UndeliveredCallRetry
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static IApplicationBuilder UseUndeliveredCallRetry(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Request.EnableBuffering(); // read again on a retry; small bodies stay in memory
        var started = TimeProvider.System.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await next(context);
                return;
            }
            catch (OrleansMessageRejectionException) when (!context.Response.HasStarted
                && TimeProvider.System.GetElapsedTime(started) < Deadline && !context.RequestAborted.IsCancellationRequested)
            {
                context.Response.Clear();
                context.Request.Body.Position = 0;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 1_000)), context.RequestAborted);
            }
        }
    });
}
