using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing;

/// <summary>A request the fake Stripe received: what Tollgate really sent, form fields in order.</summary>
public sealed record StripeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<KeyValuePair<string, string>> Form)
{
    public string? Field(string name) => Form.FirstOrDefault(f => f.Key == name).Value;
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Stripe's API, played locally on 127.0.0.1 by Kestrel for tests: it answers customers, Checkout
/// Sessions (subscription and payment mode), billing portal sessions, subscriptions and PaymentIntents
/// with objects built from Stripe's own example fixtures, replays the first answer for a repeated
/// Idempotency-Key and refuses the key with other parameters as Stripe does, declines payments and
/// fails on demand with Stripe's error object, and records every request. Tests make refunds on it as
/// an operator does in Stripe's dashboard.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StripeRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (string Request, int Status, string Body)> _idempotent = new();
    private readonly ConcurrentQueue<(string PathPrefix, int Status)> _failures = new();
    private readonly ConcurrentQueue<string> _declines = new();
    private readonly Lock _answering = new();
    private int _sequence;

    /// <summary>Subscriptions Stripe knows, by id (tests put them here; cancel and update change them).</summary>
    public ConcurrentDictionary<string, JsonObject> Subscriptions { get; } = new();

    /// <summary>Checkout Sessions created, by id.</summary>
    public ConcurrentDictionary<string, JsonObject> Sessions { get; } = new();

    /// <summary>PaymentIntents Stripe has: created off-session, or paid through a completed checkout.</summary>
    public ConcurrentDictionary<string, JsonObject> PaymentIntents { get; } = new();

    /// <summary>Refunds made at Stripe (in its dashboard or API), by id.</summary>
    public ConcurrentDictionary<string, JsonObject> Refunds { get; } = new();

    public Uri BaseAddress { get; }
    public IReadOnlyList<StripeRequest> Requests => _requests.ToArray();

    private FakeStripe(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public static async Task<FakeStripe> StartAsync()
    {
        var app = LoopbackApp.Create();
        FakeStripe? fake = null;
        app.Run(async context => await fake!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Urls.Single();
        fake = new FakeStripe(app, new Uri(address));
        return fake;
    }

    /// <summary>The next <paramref name="times"/> requests under <paramref name="pathPrefix"/> fail with <paramref name="status"/>.</summary>
    public void FailNext(string pathPrefix, int status, int times = 1)
    {
        for (var i = 0; i < times; i++) _failures.Enqueue((pathPrefix, status));
    }

    /// <summary>The next off-session payment is declined with <paramref name="code"/> (card_declined, authentication_required).</summary>
    public void DeclineNextPayment(string code = "card_declined") => _declines.Enqueue(code);

    /// <summary>
    /// The customer pays on the Checkout page: the session completes, naming a new succeeded PaymentIntent paid with
    /// <paramref name="paymentMethodId"/>. A <paramref name="delayed"/> method (a bank debit) completes the session
    /// unpaid and its payment processing; <see cref="SucceedPayment"/> settles it later.
    /// </summary>
    public (JsonObject Session, JsonObject Payment) CompleteCheckout(string sessionId, long amount,
        string paymentMethodId = "pm_card_visa", bool delayed = false)
    {
        var session = Sessions[sessionId];
        var payment = Fixture("payment_intent.succeeded");
        payment["id"] = $"pi_fake{Interlocked.Increment(ref _sequence)}";
        payment["amount"] = amount;
        payment["amount_received"] = delayed ? 0 : amount;
        payment["currency"] = "usd";
        payment["customer"] = session["customer"]?.DeepClone();
        payment["payment_method"] = paymentMethodId;
        payment["metadata"] = session["payment_intent_data_metadata"]?.DeepClone() ?? new JsonObject();
        payment["status"] = delayed ? "processing" : "succeeded";
        PaymentIntents[payment["id"]!.GetValue<string>()] = payment;
        session["status"] = "complete";
        session["payment_status"] = delayed ? "unpaid" : "paid";
        session["payment_intent"] = payment["id"]!.GetValue<string>();
        session["amount_total"] = amount;
        session["amount_subtotal"] = amount;
        return (Public(session), payment.DeepClone().AsObject());
    }

    /// <summary>A processing payment succeeds (a delayed method cleared); returns it and its session, now paid, if any.</summary>
    public (JsonObject? Session, JsonObject Payment) SucceedPayment(string paymentId)
    {
        var payment = PaymentIntents[paymentId];
        payment["status"] = "succeeded";
        payment["amount_received"] = payment["amount"]!.DeepClone();
        var session = Sessions.Values.FirstOrDefault(s => s["payment_intent"]?.GetValue<string>() == paymentId);
        if (session is not null) session["payment_status"] = "paid";
        return (session is null ? null : Public(session), payment.DeepClone().AsObject());
    }

    /// <summary>A processing payment fails (the bank refused it later): its <c>last_payment_error</c> says why.</summary>
    public JsonObject FailPayment(string paymentId, string code = "card_declined")
    {
        var payment = PaymentIntents[paymentId];
        payment["status"] = "requires_payment_method";
        payment["amount_received"] = 0;
        payment["last_payment_error"] = PaymentError(code, payment);
        return payment.DeepClone().AsObject();
    }

    /// <summary>
    /// The operator refunds <paramref name="amount"/> of a payment at Stripe (Tollgate makes no refunds there): a refund of the
    /// payment's charge, in its currency, created with <paramref name="status"/> (a card's refund succeeds at once, a bank
    /// debit's is pending first). <see cref="ChangeRefund"/> moves it on.
    /// </summary>
    public JsonObject Refund(string paymentId, long amount, DateTimeOffset created, string status = "succeeded")
    {
        var payment = PaymentIntents[paymentId];
        var refund = Fixture("refund");
        var id = $"re_fake{Interlocked.Increment(ref _sequence)}";
        refund["id"] = id;
        refund["amount"] = amount;
        refund["currency"] = payment["currency"]?.DeepClone();
        refund["payment_intent"] = paymentId;
        refund["charge"] = payment["latest_charge"]?.DeepClone();
        refund["created"] = created.ToUnixTimeSeconds();
        refund["status"] = status;
        Refunds[id] = refund;
        return refund.DeepClone().AsObject();
    }

    /// <summary>
    /// A refund's status changes (a pending refund succeeds; a succeeded one fails, its card closed): returns the refund now and
    /// the <c>previous_attributes</c> Stripe's <c>refund.updated</c> carries with it.
    /// </summary>
    public (JsonObject Refund, JsonObject PreviousAttributes) ChangeRefund(string refundId, string status)
    {
        var refund = Refunds[refundId];
        var previous = new JsonObject { ["status"] = refund["status"]?.DeepClone() };
        refund["status"] = status;
        if (status == "failed")
        {
            previous["failure_reason"] = null;
            refund["failure_reason"] = "expired_or_canceled_card";
        }
        return (refund.DeepClone().AsObject(), previous);
    }

    /// <summary>
    /// A Stripe event around <paramref name="stripeObject"/>, as its webhook body (built on Stripe's event fixture); an
    /// <c>*.updated</c> event carries what changed, as it was, in <paramref name="previousAttributes"/>.
    /// </summary>
    public static string Event(string type, JsonObject stripeObject, DateTimeOffset created, string id,
        JsonObject? previousAttributes = null)
    {
        var stripeEvent = Fixture("event");
        stripeEvent["id"] = id;
        stripeEvent["type"] = type;
        stripeEvent["created"] = created.ToUnixTimeSeconds();
        stripeEvent["api_version"] = "2025-09-30.clover";
        stripeEvent["data"] = new JsonObject { ["object"] = stripeObject.DeepClone() };
        if (previousAttributes is not null) stripeEvent["data"]!["previous_attributes"] = previousAttributes.DeepClone();
        return stripeEvent.ToJsonString();
    }

    /// <summary>The <c>Stripe-Signature</c> header Stripe sends with <paramref name="body"/>: HMAC-SHA256 of "t.body" under the endpoint
    /// secret.</summary>
    public static string Sign(string body, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public IReadOnlyList<StripeRequest> RequestsTo(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = new List<KeyValuePair<string, string>>();
        if (request.HasFormContentType)
            foreach (var (key, values) in await request.ReadFormAsync())
                foreach (var value in values) form.Add(new(key, value ?? ""));
        var recorded = new StripeRequest(request.Method, request.Path.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), form);
        _requests.Enqueue(recorded);

        var (status, body) = Answer(recorded);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = $"req_fake_{Interlocked.Increment(ref _sequence)}";
        await context.Response.WriteAsync(body);
    }

    private (int Status, string Body) Answer(StripeRequest request)
    {
        if (request.Header("Authorization") is not { } authorization || !authorization.StartsWith("Bearer sk_", StringComparison.Ordinal))
            return Error(401, "invalid_request_error", null, "Invalid API Key provided.", null);
        if (_failures.TryPeek(out var failure) && request.Path.StartsWith(failure.PathPrefix, StringComparison.Ordinal) && _failures.TryDequeue(out failure))
            return Error(failure.Status, "api_error", null, "The fake Stripe failed on purpose.", null);
        var key = request.Header("Idempotency-Key");
        if (key is null) return Route(request);
        // One key, one request: Stripe replays the first answer to the same parameters and refuses others.
        var fingerprint = $"{request.Method} {request.Path} " + string.Join("&", request.Form.Select(f => $"{f.Key}={f.Value}"));
        lock (_answering)
        {
            if (_idempotent.TryGetValue(key, out var first))
                return first.Request == fingerprint ? (first.Status, first.Body)
                    : Error(400, "idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with.", null);
            var answer = Route(request);
            _idempotent.TryAdd(key, (fingerprint, answer.Status, answer.Body));
            return answer;
        }
    }

    private (int Status, string Body) Route(StripeRequest request)
    {
        var segments = request.Path.Trim('/').Split('/');
        switch (request.Method, segments)
        {
            case ("POST", ["v1", "customers"]):
                var customer = Fixture("customer");
                customer["id"] = $"cus_fake{Interlocked.Increment(ref _sequence)}";
                customer["name"] = request.Field("name");
                customer["email"] = request.Field("email");
                customer["metadata"] = new JsonObject { ["tenantId"] = request.Field("metadata[tenantId]") };
                return (200, customer.ToJsonString());

            case ("POST", ["v1", "checkout", "sessions"]):
                var session = Fixture("checkout.session");
                var sessionId = $"cs_test_fake{Interlocked.Increment(ref _sequence)}";
                session["id"] = sessionId;
                session["mode"] = request.Field("mode");
                session["customer"] = request.Field("customer");
                session["client_reference_id"] = request.Field("client_reference_id");
                session["success_url"] = request.Field("success_url");
                session["cancel_url"] = request.Field("cancel_url");
                session["metadata"] = Metadata(request, "metadata");
                session["payment_intent"] = null;
                session["payment_status"] = "unpaid";
                session["status"] = "open";
                session["url"] = $"https://checkout.stripe.com/c/pay/{sessionId}";
                // Not part of Stripe's session: what its payment will carry, kept to build that payment.
                session["payment_intent_data_metadata"] = Metadata(request, "payment_intent_data[metadata]");
                Sessions[sessionId] = session;
                return (200, Public(session).ToJsonString());

            case ("POST", ["v1", "payment_intents"]):
                return CreatePayment(request);

            case ("GET", ["v1", "payment_intents", var id]):
                return PaymentIntents.TryGetValue(id, out var intent) ? (200, intent.ToJsonString()) : NoSuch("payment_intent", id);

            case ("POST", ["v1", "billing_portal", "sessions"]):
                var portal = Fixture("billing_portal.session");
                portal["id"] = $"bps_fake{Interlocked.Increment(ref _sequence)}";
                portal["customer"] = request.Field("customer");
                portal["return_url"] = request.Field("return_url");
                portal["url"] = $"https://billing.stripe.com/p/session/{portal["id"]}";
                return (200, portal.ToJsonString());

            case ("GET", ["v1", "subscriptions", var id]):
                return Subscriptions.TryGetValue(id, out var found) ? (200, found.ToJsonString()) : NoSuch("subscription", id);

            case ("POST", ["v1", "subscriptions", var id]):
                if (!Subscriptions.TryGetValue(id, out var updated)) return NoSuch("subscription", id);
                if (request.Field("cancel_at_period_end") is { } cancel) updated["cancel_at_period_end"] = cancel == "true";
                return (200, updated.ToJsonString());

            case ("DELETE", ["v1", "subscriptions", var id]):
                if (!Subscriptions.TryGetValue(id, out var canceled)) return NoSuch("subscription", id);
                canceled["status"] = "canceled";
                return (200, canceled.ToJsonString());

            default:
                return Error(404, "invalid_request_error", null, $"Unrecognized request URL ({request.Method}: {request.Path}).", null);
        }
    }

    /// <summary>A PaymentIntent created and confirmed at once, as auto top-up creates them: succeeded, or declined with 402.</summary>
    private (int, string) CreatePayment(StripeRequest request)
    {
        if (request.Field("amount") is not { } amountText || !long.TryParse(amountText, out var amount) || amount < 1)
            return Error(400, "invalid_request_error", "parameter_missing", "Missing required param: amount.", "amount");
        if (request.Field("currency") is not { Length: 3 } currency)
            return Error(400, "invalid_request_error", "parameter_missing", "Missing required param: currency.", "currency");
        if (request.Field("off_session") == "true" && request.Field("confirm") != "true")
            return Error(400, "invalid_request_error", null, "off_session can only be used when confirm=true.", "off_session");
        var payment = Fixture("payment_intent.succeeded");
        var id = $"pi_fake{Interlocked.Increment(ref _sequence)}";
        payment["id"] = id;
        payment["client_secret"] = $"{id}_secret_fake";
        payment["amount"] = amount;
        payment["amount_received"] = amount;
        payment["currency"] = currency;
        payment["customer"] = request.Field("customer");
        payment["payment_method"] = request.Field("payment_method");
        payment["setup_future_usage"] = null;
        payment["metadata"] = Metadata(request, "metadata");
        payment["latest_charge"] = $"ch_fake{Interlocked.Increment(ref _sequence)}";
        PaymentIntents[id] = payment;
        if (!_declines.TryDequeue(out var declined)) return (200, payment.ToJsonString());
        payment["status"] = "requires_payment_method";
        payment["amount_received"] = 0;
        payment["last_payment_error"] = PaymentError(declined, payment);
        // Stripe answers a declined confirmation with 402 and the PaymentIntent in the error.
        var error = PaymentError(declined, payment);
        error["payment_intent"] = payment.DeepClone();
        return (402, new JsonObject { ["error"] = error }.ToJsonString());
    }

    private static JsonObject PaymentError(string code, JsonObject payment)
    {
        var error = Fixture("payment_intent.payment_failed")["last_payment_error"]!.AsObject().DeepClone().AsObject();
        error["code"] = code;
        error["charge"] = payment["latest_charge"]?.DeepClone();
        if (code == "authentication_required")
        {
            error["decline_code"] = "authentication_required";
            error["message"] = "Your card was declined. This transaction requires authentication.";
        }
        error["payment_method"]!["id"] = payment["payment_method"]?.DeepClone();
        return error;
    }

    /// <summary>The form's <c>prefix[key]</c> fields as an object, as Stripe stores metadata.</summary>
    private static JsonObject Metadata(StripeRequest request, string prefix)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in request.Form)
            if (key.StartsWith(prefix + "[", StringComparison.Ordinal) && key.EndsWith(']') && key.IndexOf('[', prefix.Length + 1) < 0)
                metadata[key[(prefix.Length + 1)..^1]] = value;
        return metadata;
    }

    /// <summary>The session as Stripe shows it, without what the fake keeps beside it.</summary>
    private static JsonObject Public(JsonObject session)
    {
        var copy = session.DeepClone().AsObject();
        copy.Remove("payment_intent_data_metadata");
        return copy;
    }

    private static (int, string) NoSuch(string what, string id) =>
        Error(404, "invalid_request_error", "resource_missing", $"No such {what}: '{id}'", "id");

    private static (int, string) Error(int status, string type, string? code, string message, string? param) =>
        (status, new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param } }.ToJsonString());

    /// <summary>A fresh copy of one of Stripe's example objects (tests/fixtures/stripe).</summary>
    public static JsonObject Fixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "stripe", $"{name}.json")))!.AsObject();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
