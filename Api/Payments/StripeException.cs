using System.Net;

namespace Tollgate.Api.Payments;

/// <summary>
/// Stripe refused a request (its error object: type, code, message, param), or could not be
/// reached after every retry (<see cref="StatusCode"/> null, or 429/5xx).
/// </summary>
public sealed class StripeException(HttpStatusCode? statusCode, string? type, string? code, string message, string? param, string? requestId, Exception? inner = null)
    : PaymentProviderException(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
    public string? Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;
    public string? RequestId { get; } = requestId;

    /// <summary>Unreachable, rate limited or failing on Stripe's side: worth trying again later.</summary>
    public override bool IsTransient => StatusCode is null or HttpStatusCode.TooManyRequests || (int)StatusCode >= 500;
}
