using System.Text.Json;
using Tollgate.Grains.Billing;

namespace Tollgate.Api.Payments;

/// <summary>Stripe as Tollgate's payment provider.</summary>
public sealed class StripePaymentProvider(StripeClient stripe) : IPaymentProvider
{
    public string Name => StripeObjects.Provider;

    public async Task<string> CreateCustomerAsync(string tenantId, string tenantName, string? email, CancellationToken cancellationToken)
    {
        var form = new StripeForm()
            .Add("name", tenantName)
            .Add("email", email)
            .Add("metadata", Metadata(tenantId));
        // Keyed by tenant: two requests racing to create the customer get the same one back.
        var customer = await stripe.PostAsync("/v1/customers", form, $"tollgate-customer-{tenantId}", cancellationToken);
        return StripeObjects.Id(customer);
    }

    public async Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        var form = new StripeForm()
            .Add("mode", "subscription")
            .Add("customer", request.CustomerId)
            .Add("client_reference_id", request.TenantId)
            .Add("line_items", new object[] { new Dictionary<string, object?> { ["price"] = request.PriceId, ["quantity"] = 1 } })
            .Add("metadata", Metadata(request.TenantId))
            .Add("subscription_data", new Dictionary<string, object?>
            {
                ["metadata"] = Metadata(request.TenantId),
                ["trial_period_days"] = request.TrialDays > 0 ? request.TrialDays : null,
            })
            .Add("success_url", request.SuccessUrl.AbsoluteUri)
            .Add("cancel_url", request.CancelUrl.AbsoluteUri);
        var session = await stripe.PostAsync("/v1/checkout/sessions", form, idempotencyKey, cancellationToken);
        var url = StripeObjects.Text(session, "url") ?? throw new FormatException("The Checkout Session has no url.");
        return new CheckoutSession(StripeObjects.Id(session), new Uri(url));
    }

    public async Task<Uri> CreatePortalSessionAsync(string customerId, Uri returnUrl, CancellationToken cancellationToken)
    {
        var form = new StripeForm().Add("customer", customerId).Add("return_url", returnUrl.AbsoluteUri);
        var session = await stripe.PostAsync("/v1/billing_portal/sessions", form, NewKey(), cancellationToken);
        return new Uri(StripeObjects.Text(session, "url") ?? throw new FormatException("The portal session has no url."));
    }

    public async Task<ProviderSubscription> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        StripeObjects.Subscription(await stripe.GetAsync($"/v1/subscriptions/{Uri.EscapeDataString(subscriptionId)}", cancellationToken));

    public async Task<ProviderSubscription> SetCancelAtPeriodEndAsync(string subscriptionId, bool cancel, CancellationToken cancellationToken) =>
        StripeObjects.Subscription(await stripe.PostAsync($"/v1/subscriptions/{Uri.EscapeDataString(subscriptionId)}",
            new StripeForm().Add("cancel_at_period_end", cancel), NewKey(), cancellationToken));

    public async Task<ProviderSubscription> CancelNowAsync(string subscriptionId, CancellationToken cancellationToken) =>
        StripeObjects.Subscription(await stripe.DeleteAsync($"/v1/subscriptions/{Uri.EscapeDataString(subscriptionId)}", NewKey(), cancellationToken));

    private static Dictionary<string, object?> Metadata(string tenantId) => new() { ["tenantId"] = tenantId };

    private static string NewKey() => $"tollgate-{Guid.NewGuid():N}";
}
