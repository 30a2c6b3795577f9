using System.Text.Json;
using Tollgate.Grains.Billing;

namespace Tollgate.Api.Payments;

/// <summary>
/// Reads the Stripe objects Tollgate uses (API version <see cref="StripeOptions.ApiVersion"/>):
/// a subscription's period lives on its items, an invoice names its subscription under
/// <c>parent.subscription_details</c>, an expandable field is an id or an object with one.
/// A missing required field throws <see cref="FormatException"/>.
/// </summary>
public static class StripeObjects
{
    public const string Provider = "stripe";

    public static ProviderSubscription Subscription(JsonElement subscription)
    {
        var item = FirstItem(subscription);
        var periodStart = Time(item, "current_period_start") ?? throw Missing("items.data[0].current_period_start");
        return new ProviderSubscription(
            Provider, Id(subscription), Expandable(subscription, "customer") ?? throw Missing("customer"),
            Status(Text(subscription, "status") ?? throw Missing("status")),
            item.TryGetProperty("price", out var price) && price.ValueKind == JsonValueKind.Object ? Text(price, "id") : null,
            periodStart, Time(item, "current_period_end") ?? throw Missing("items.data[0].current_period_end"),
            Time(subscription, "trial_end"), Bool(subscription, "cancel_at_period_end"),
            Time(subscription, "billing_cycle_anchor") ?? periodStart);
    }

    public static ProviderInvoice Invoice(JsonElement invoice)
    {
        var line = invoice.TryGetProperty("lines", out var lines) && lines.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0
            ? data[0] : default;
        var period = line.ValueKind == JsonValueKind.Object && line.TryGetProperty("period", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        return new ProviderInvoice(
            Provider, Id(invoice), Text(invoice, "number"), Expandable(invoice, "customer") ?? throw Missing("customer"), InvoiceSubscription(invoice),
            Text(invoice, "status") ?? "unknown", Long(invoice, "amount_due"), Long(invoice, "amount_paid"),
            Text(invoice, "currency")?.ToUpperInvariant() ?? throw Missing("currency"),
            period.ValueKind == JsonValueKind.Object ? Time(period, "start") : Time(invoice, "period_start"),
            period.ValueKind == JsonValueKind.Object ? Time(period, "end") : Time(invoice, "period_end"),
            Text(invoice, "hosted_invoice_url"), Text(invoice, "invoice_pdf"), Text(invoice, "billing_reason"),
            (int)Long(invoice, "attempt_count"), Time(invoice, "next_payment_attempt"),
            Time(invoice, "created") ?? throw Missing("created"));
    }

    /// <summary>The tenant id Tollgate put in the object's metadata (for an invoice: its subscription's).</summary>
    public static string? TenantId(JsonElement stripeObject)
    {
        if (Metadata(stripeObject) is { } own) return own;
        if (Text(stripeObject, "client_reference_id") is { Length: > 0 } reference) return reference;
        return SubscriptionDetails(stripeObject) is { } details ? Metadata(details) : null;
    }

    /// <summary>The subscription an invoice bills, if it bills one.</summary>
    public static string? InvoiceSubscription(JsonElement invoice) =>
        SubscriptionDetails(invoice) is { } details ? Expandable(details, "subscription")
            : Expandable(invoice, "subscription"); // older API versions

    /// <summary>An invoice's <c>parent.subscription_details</c>, when it bills a subscription.</summary>
    private static JsonElement? SubscriptionDetails(JsonElement invoice) =>
        invoice.TryGetProperty("parent", out var parent) && parent.ValueKind == JsonValueKind.Object
            && parent.TryGetProperty("subscription_details", out var details) && details.ValueKind == JsonValueKind.Object
            ? details : null;

    public static ProviderSubscriptionStatus Status(string status) => status switch
    {
        "incomplete" => ProviderSubscriptionStatus.Incomplete,
        "incomplete_expired" => ProviderSubscriptionStatus.IncompleteExpired,
        "trialing" => ProviderSubscriptionStatus.Trialing,
        "active" => ProviderSubscriptionStatus.Active,
        "past_due" => ProviderSubscriptionStatus.PastDue,
        "unpaid" => ProviderSubscriptionStatus.Unpaid,
        "paused" => ProviderSubscriptionStatus.Paused,
        "canceled" => ProviderSubscriptionStatus.Canceled,
        _ => throw new FormatException($"Unknown Stripe subscription status '{status}'."),
    };

    public static string Id(JsonElement stripeObject) => Text(stripeObject, "id") ?? throw Missing("id");

    /// <summary>An expandable field: its id whether Stripe sent the id or the whole object.</summary>
    public static string? Expandable(JsonElement stripeObject, string name) =>
        stripeObject.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => Text(value, "id"),
            _ => null,
        } : null;

    public static string? Text(JsonElement stripeObject, string name) =>
        stripeObject.ValueKind == JsonValueKind.Object && stripeObject.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static DateTimeOffset? Time(JsonElement stripeObject, string name) =>
        stripeObject.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(value.GetInt64()) : null;

    private static long Long(JsonElement stripeObject, string name) =>
        stripeObject.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    private static bool Bool(JsonElement stripeObject, string name) =>
        stripeObject.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? Metadata(JsonElement stripeObject) =>
        stripeObject.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && Text(metadata, "tenantId") is { Length: > 0 } tenantId ? tenantId : null;

    private static JsonElement FirstItem(JsonElement subscription) =>
        subscription.TryGetProperty("items", out var items) && items.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 ? data[0] : throw Missing("items.data[0]");

    private static FormatException Missing(string field) => new($"The Stripe object has no '{field}'.");
}
