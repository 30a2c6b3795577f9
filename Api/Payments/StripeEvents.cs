using System.Text.Json;
using Stripe;

namespace Tollgate.Api.Payments;

/// <summary>
/// Stripe's webhook deliveries, read with Stripe.net's <see cref="EventUtility"/>: the
/// <c>Stripe-Signature</c> header (<c>t=...,v1=...</c>, any matching v1, timestamp within the
/// tolerance) is checked on the raw body before anything in it is read.
/// </summary>
public static class StripeEvents
{
    /// <summary>Null when the body is signed with <paramref name="secret"/> within the tolerance; otherwise why not.</summary>
    public static string? SignatureError(string body, string? header, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        // Stripe.net assumes a header is there.
        if (string.IsNullOrWhiteSpace(header)) return "The Stripe-Signature header is missing.";
        try
        {
            EventUtility.ValidateSignature(body, header, secret, (long)tolerance.TotalSeconds, now.ToUnixTimeSeconds());
            return null;
        }
        catch (Stripe.StripeException)
        {
            // Stripe.net's own wording is not part of Tollgate's contract.
            return "No signature in the Stripe-Signature header matches the body and the webhook secret within the tolerance.";
        }
        catch (Exception exception) when (exception is FormatException or OverflowException)
        {
            // Stripe.net reads the timestamp only once a signature matched.
            return "The signature's timestamp is not a number of seconds.";
        }
    }

    /// <summary>
    /// The event in a verified body. Stripe sends an event in its webhook endpoint's API version,
    /// which may be older than Stripe.net's: the version is not required to match, since the fields
    /// Tollgate reads keep their shape across the versions it supports. Throws
    /// <see cref="FormatException"/> for a body that is not an event.
    /// </summary>
    public static Event Parse(string body)
    {
        Event? stripeEvent;
        try
        {
            stripeEvent = EventUtility.ParseEvent(body, throwOnApiVersionMismatch: false);
        }
        // Stripe.net reads the JSON with System.Text.Json, whose element accessors throw
        // InvalidOperationException where a value has the wrong kind.
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("The body is not a Stripe event in JSON.", exception);
        }
        if (stripeEvent is not { Id.Length: > 0, Type.Length: > 0, Data: not null } || stripeEvent.Created == default)
            throw new FormatException("The event needs id, type, created and data.");
        return stripeEvent;
    }

    /// <summary>
    /// The object's status before the change an <c>*.updated</c> event reports (its <c>data.previous_attributes.status</c>), or
    /// null when the status did not change. Read from the verified body with System.Text.Json: Stripe.net hands previous
    /// attributes out only as an untyped Newtonsoft.Json value.
    /// </summary>
    public static string? PreviousStatus(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("previous_attributes", out var previous) && previous.ValueKind == JsonValueKind.Object
            && previous.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() : null;
    }
}
