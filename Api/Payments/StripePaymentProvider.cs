using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;
using Tollgate.Grains.Billing;

namespace Tollgate.Api.Payments;

/// <summary>
/// Stripe as Tollgate's payment provider, through Stripe.net over the typed HttpClient it is given.
/// Stripe.net pins its own <c>Stripe-Version</c>, sends the secret key as a bearer token and retries
/// 409, 429, 5xx and network errors under one <c>Idempotency-Key</c>, so a retried request is applied
/// by Stripe at most once. Its failures leave here as <see cref="StripeException"/>.
/// </summary>
public sealed class StripePaymentProvider(HttpClient http, IOptions<StripeOptions> options, ILogger<StripePaymentProvider> logger)
    : IPaymentProvider
{
    private Stripe.StripeClient? _client;

    public string Name => StripeObjects.Provider;

    /// <summary>Built on first use, so a silo without a secret key still serves everything but payments.</summary>
    private Stripe.StripeClient Client => _client ??= Create(options.Value, http);

    public Task<string> CreateCustomerAsync(string tenantId, string tenantName, string? email, CancellationToken cancellationToken) =>
        CallAsync("create customer", async () =>
        {
            var customer = await Client.V1.Customers.CreateAsync(
                new CustomerCreateOptions { Name = tenantName, Email = email, Metadata = Metadata(tenantId) },
                // Keyed by tenant: two requests racing to create the customer get the same one back.
                Key($"tollgate-customer-{tenantId}"), cancellationToken);
            return customer.Id;
        });

    public Task<CheckoutSession> CreateCheckoutSessionAsync(
        CheckoutRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync("create checkout session", async () =>
        {
            var session = await Client.V1.Checkout.Sessions.CreateAsync(new Stripe.Checkout.SessionCreateOptions
            {
                Mode = "subscription",
                Customer = request.CustomerId,
                ClientReferenceId = request.TenantId,
                LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = request.PriceId, Quantity = 1 }],
                Metadata = Metadata(request.TenantId),
                SubscriptionData = new Stripe.Checkout.SessionSubscriptionDataOptions
                {
                    Metadata = Metadata(request.TenantId),
                    TrialPeriodDays = request.TrialDays > 0 ? request.TrialDays : null,
                },
                SuccessUrl = request.SuccessUrl.AbsoluteUri,
                CancelUrl = request.CancelUrl.AbsoluteUri,
            }, Key(idempotencyKey), cancellationToken);
            return new CheckoutSession(session.Id, new Uri(session.Url ?? throw new FormatException("The Checkout Session has no url.")));
        });

    public Task<CheckoutSession> CreatePaymentCheckoutSessionAsync(
        PaymentCheckoutRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync("create payment checkout session", async () =>
        {
            var session = await Client.V1.Checkout.Sessions.CreateAsync(new Stripe.Checkout.SessionCreateOptions
            {
                Mode = "payment",
                Customer = request.CustomerId,
                ClientReferenceId = request.TenantId,
                LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = request.PriceId, Quantity = 1 }],
                Metadata = new Dictionary<string, string>(request.Metadata),
                PaymentIntentData = new Stripe.Checkout.SessionPaymentIntentDataOptions
                {
                    Metadata = new Dictionary<string, string>(request.Metadata),
                    // Kept on the customer for auto top-up's off-session charges.
                    SetupFutureUsage = "off_session",
                },
                SuccessUrl = request.SuccessUrl.AbsoluteUri,
                CancelUrl = request.CancelUrl.AbsoluteUri,
            }, Key(idempotencyKey), cancellationToken);
            return new CheckoutSession(session.Id, new Uri(session.Url ?? throw new FormatException("The Checkout Session has no url.")));
        });

    public Task<ProviderPayment> CreateOffSessionPaymentAsync(
        OffSessionPaymentRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync("create payment intent", async () =>
        {
            try
            {
                return Payment(await Client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
                {
                    Amount = request.AmountMinor,
                    Currency = request.Currency.ToLowerInvariant(),
                    Customer = request.CustomerId,
                    PaymentMethod = request.PaymentMethodId,
                    OffSession = true,
                    Confirm = true,
                    Metadata = new Dictionary<string, string>(request.Metadata),
                }, Key(idempotencyKey), cancellationToken));
            }
            // A decline answers 402 with the payment it failed: that is an outcome, not an outage.
            catch (Stripe.StripeException declined) when (declined.StripeError?.Type == "card_error"
                || declined.StripeError?.PaymentIntent is not null)
            {
                throw new PaymentDeclinedException(declined.StripeError?.PaymentIntent?.Id, declined.StripeError?.Code,
                    declined.StripeError?.Message ?? declined.Message, declined);
            }
        });

    public Task<ProviderPayment> GetPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        CallAsync("get payment intent", async () =>
            Payment(await Client.V1.PaymentIntents.GetAsync(paymentId, cancellationToken: cancellationToken)));

    private static ProviderPayment Payment(PaymentIntent intent) =>
        new(intent.Id, intent.Status, intent.PaymentMethodId, intent.CustomerId, intent.Metadata ?? new Dictionary<string, string>());

    public Task<Uri> CreatePortalSessionAsync(string customerId, Uri returnUrl, CancellationToken cancellationToken) =>
        CallAsync("create billing portal session", async () =>
        {
            var session = await Client.V1.BillingPortal.Sessions.CreateAsync(
                new Stripe.BillingPortal.SessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl.AbsoluteUri },
                cancellationToken: cancellationToken);
            return new Uri(session.Url ?? throw new FormatException("The portal session has no url."));
        });

    public Task<ProviderSubscription> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        CallAsync("get subscription", async () =>
            StripeObjects.Subscription(await Client.V1.Subscriptions.GetAsync(subscriptionId, cancellationToken: cancellationToken)));

    public Task<ProviderSubscription> SetCancelAtPeriodEndAsync(string subscriptionId, bool cancel, CancellationToken cancellationToken) =>
        CallAsync("update subscription", async () => StripeObjects.Subscription(await Client.V1.Subscriptions.UpdateAsync(
            subscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = cancel }, cancellationToken: cancellationToken)));

    public Task<ProviderSubscription> CancelNowAsync(string subscriptionId, CancellationToken cancellationToken) =>
        CallAsync("cancel subscription", async () => StripeObjects.Subscription(await Client.V1.Subscriptions.CancelAsync(
            // Stripe.net keys only POSTs by itself; a retried DELETE is keyed too.
            subscriptionId, requestOptions: Key($"tollgate-{Guid.NewGuid():N}"), cancellationToken: cancellationToken)));

    private static Stripe.StripeClient Create(StripeOptions options, HttpClient http)
    {
        if (options.SecretKey is not { Length: > 0 } secretKey) throw new PaymentsNotConfiguredException();
        return new Stripe.StripeClient(new StripeClientOptions
        {
            ApiKey = secretKey,
            // Stripe.net appends "/v1/..." to the base as it is.
            ApiBase = options.ApiBase.AbsoluteUri.TrimEnd('/'),
            // No telemetry: requests carry nothing about earlier requests or this machine.
            HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: Math.Max(0, options.MaxAttempts - 1), enableTelemetry: false),
        });
    }

    /// <summary>Runs one Stripe call; what Stripe.net throws once its retries are spent becomes a <see cref="StripeException"/>.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Stripe.StripeException refusal)
        {
            throw Logged(operation, StripeException.Refused(refusal));
        }
        catch (HttpRequestException failure)
        {
            throw Logged(operation, StripeException.Unreachable(failure));
        }
        // A timeout; the caller's own cancellation is not a failure of Stripe's and goes through as it is.
        catch (TaskCanceledException failure) when (failure.InnerException is TimeoutException)
        {
            throw Logged(operation, StripeException.Unreachable(failure));
        }
    }

    private StripeException Logged(string operation, StripeException failure)
    {
        logger.LogWarning(
            "Stripe {Operation} failed after at most {MaxAttempts} attempts: HTTP {Status}, type {Type}, code {Code}, param {Param}, "
            + "request {RequestId}: {Message}", operation, options.Value.MaxAttempts, (int?)failure.StatusCode, failure.Type, failure.Code,
            failure.Param, failure.RequestId, failure.Message);
        return failure;
    }

    private static RequestOptions Key(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    private static Dictionary<string, string> Metadata(string tenantId) => new() { ["tenantId"] = tenantId };
}
