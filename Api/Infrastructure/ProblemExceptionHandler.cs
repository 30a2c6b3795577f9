using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// Bad requests that fail before an endpoint runs (malformed or wrong-typed JSON, oversized
/// bodies) become 4xx problems saying what was wrong. Anything else is a 500 without internals.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            // The framework's message names parameters and .NET types: the status says enough, and a JSON fault names its field.
            problem = bad.InnerException is JsonException json ? JsonBodyProblem.For(json) : StatusProblems.For(bad.StatusCode);
        }
        else if (exception is Payments.PaymentProviderException provider)
        {
            // Already logged with Stripe's error object by the client; the caller learns what it can act on.
            var (status, code, title) = provider switch
            {
                Payments.PaymentsNotConfiguredException => (StatusCodes.Status503ServiceUnavailable, "payments_not_configured", "Payments are not configured"),
                { IsTransient: true } => (StatusCodes.Status503ServiceUnavailable, "payment_provider_unavailable", "The payment provider is unavailable"),
                _ => (StatusCodes.Status502BadGateway, "payment_provider_error", "The payment provider refused the request"),
            };
            problem = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = provider.Message,
                Type = $"https://tollgate.dev/problems/{code}",
                Extensions = { ["code"] = code },
            };
            if (provider is Payments.StripeException { Code: { } stripeCode }) problem.Extensions["providerCode"] = stripeCode;
            if (provider is Payments.StripeException { Param: { } param }) problem.Extensions["providerParam"] = param;
            if (status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "30";
        }
        else if (exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            // A silo died or is stopping: the call may be retried once the cluster has settled.
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = "A silo is unavailable; retry shortly.",
                Type = "https://tollgate.dev/problems/unavailable",
                Extensions = { ["code"] = "unavailable" },
            };
            context.Response.Headers.RetryAfter = "1";
        }
        else
        {
            logger.LogError(exception, "Unhandled error in {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Type = "https://tollgate.dev/problems/internal_error",
                Extensions = { ["code"] = "internal_error" },
            };
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
