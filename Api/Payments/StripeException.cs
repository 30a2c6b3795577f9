using System.Net;

namespace Tollgate.Api.Payments;

/// <summary>
/// Stripe refused a request (its error object: type, code, message, param), or could not be
/// reached after every retry (<see cref="StatusCode"/> null, or 429/5xx). Stripe.net's failures are
/// translated into this, so callers see one provider error whatever the library throws.
/// </summary>
public sealed class StripeException(
    HttpStatusCode? statusCode, string? type, string? code, string message, string? param, string? requestId, Exception inner)
    : PaymentProviderException(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
    public string? Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;
    public string? RequestId { get; } = requestId;

    /// <summary>Unreachable, rate limited or failing on Stripe's side: worth trying again later.</summary>
    public override bool IsTransient => StatusCode is null or HttpStatusCode.TooManyRequests || (int)StatusCode >= 500;

    /// <summary>Stripe answered with an error (or with a body Stripe.net could not read).</summary>
    public static StripeException Refused(Stripe.StripeException refusal) => new(
        refusal.HttpStatusCode, refusal.StripeError?.Type, refusal.StripeError?.Code,
        refusal.StripeError?.Message ?? refusal.Message, refusal.StripeError?.Param, refusal.StripeResponse?.RequestId, refusal);

    /// <summary>No answer: the connection failed or timed out on every attempt.</summary>
    public static StripeException Unreachable(Exception failure) =>
        new(null, null, null, $"Stripe could not be reached: {failure.Message}", null, null, failure);
}
