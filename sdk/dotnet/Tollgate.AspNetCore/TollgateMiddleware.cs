using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Client;

namespace Tollgate.AspNetCore;

/// <summary>
/// Deducts an endpoint's <see cref="TollgateGuardAttribute"/> for the caller's tenant before the endpoint runs. Placed after
/// the app's authentication and authorization, so a caller they refuse costs nothing. Exhausted: Tollgate's 402 problem and
/// headers, and the endpoint does not run. Allowed: the endpoint runs and its response carries the quota's (or wallet's)
/// headers. Tollgate unavailable or refusing the app's own key: logged, and 503 (or, failing open, the endpoint runs).
/// </summary>
public sealed class TollgateMiddleware(RequestDelegate next, IOptions<TollgateOptions> options, ILogger<TollgateMiddleware> logger)
{
    private const int MaxIdempotencyKeyLength = 255;

    public async Task InvokeAsync(HttpContext context, TollgateClient client)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<TollgateGuardAttribute>() is not { } guard)
        {
            await next(context);
            return;
        }
        var settings = options.Value;
        var tenantId = settings.TenantResolver is { } resolve ? resolve(context) : context.User.FindFirst(settings.TenantClaim)?.Value;
        if (string.IsNullOrEmpty(tenantId))
        {
            await ProblemAsync(context, StatusCodes.Status401Unauthorized, "tenant_required", "Unauthorized",
                "The caller has no tenant to charge this call to.");
            return;
        }

        var key = IdempotencyKey(guard, context.Request.Headers[TollgateClient.IdempotencyKeyHeader]);
        Deduction deduction;
        try
        {
            deduction = await guard.DeductAsync(client, tenantId, key, context.RequestAborted);
        }
        catch (TollgateException refused) when (refused is QuotaExceededException or InsufficientCreditsException)
        {
            await PassOnAsync(context, refused);
            return;
        }
        catch (TollgateException failed)
            when (failed is TollgateUnavailableException || failed.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            logger.LogWarning(failed, "Tollgate is unavailable for {Guard} of tenant {TenantId}; failing {Mode}",
                guard.Name, tenantId, settings.FailOpen ? "open" : "closed");
            if (settings.FailOpen) await next(context);
            else await UnavailableAsync(context, settings);
            return;
        }
        catch (TollgateException failed)
        {
            // The app's key, tenant or quota type is wrong: the caller can do nothing about it, so Tollgate's detail stays in
            // the log; and it is never failed open, which would give away every guarded call while the key is wrong.
            logger.LogError(failed, "Tollgate refused {Guard} of tenant {TenantId} ({Status} {Code}): check the app's API key and guards",
                guard.Name, tenantId, failed.StatusCode, failed.Code);
            await UnavailableAsync(context, settings);
            return;
        }

        foreach (var (name, value) in deduction.Headers) context.Response.Headers[name] = value;
        if (!(guard.RefundOnServerError || settings.RefundOnServerError))
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch
        {
            await RefundAsync(client, guard, tenantId, key, deduction);
            throw;
        }
        if (context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
            await RefundAsync(client, guard, tenantId, key, deduction);
    }

    /// <summary>
    /// The caller's own Idempotency-Key, when it sent one, so that a caller retrying the app deducts once; else one per request.
    /// Prefixed with the guard (a key is Tollgate's per quota type and per wallet).
    /// </summary>
    internal static string IdempotencyKey(TollgateGuardAttribute guard, string? incoming)
    {
        if (string.IsNullOrEmpty(incoming)) return $"mw:{guard.Name}:{Guid.NewGuid():N}";
        var key = $"mw:{guard.Name}:{incoming}";
        return key.Length <= MaxIdempotencyKeyLength && incoming.All(c => c is >= ' ' and <= '~')
            ? key
            : $"mw:{guard.Name}:sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(incoming)))}";
    }

    private async Task RefundAsync(TollgateClient client, TollgateGuardAttribute guard, string tenantId, string key, Deduction deduction)
    {
        try
        {
            await deduction.RefundAsync(client, key + ":refund");
            logger.LogInformation("Refunded {Guard} of tenant {TenantId}: the endpoint failed", guard.Name, tenantId);
        }
        catch (TollgateException failed)
        {
            logger.LogWarning(failed, "Could not refund {Guard} of tenant {TenantId} after the endpoint failed", guard.Name, tenantId);
        }
    }

    private static async Task PassOnAsync(HttpContext context, TollgateException refused)
    {
        var response = context.Response;
        response.StatusCode = refused.Problem!.Status;
        foreach (var (name, value) in refused.Headers) response.Headers[name] = value;
        response.ContentType = "application/problem+json";
        await response.WriteAsync(refused.Problem.Json, context.RequestAborted);
    }

    private static Task UnavailableAsync(HttpContext context, TollgateOptions settings)
    {
        context.Response.Headers.RetryAfter = settings.UnavailableRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "tollgate_unavailable", "Service unavailable",
            "Usage could not be checked right now; try again later.");
    }

    private static Task ProblemAsync(HttpContext context, int status, string code, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code })
            .ExecuteAsync(context);
}
