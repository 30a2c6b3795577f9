using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tollgate.Testing;

/// <summary>A request the fake Stripe received: what Tollgate really sent, form fields in order.</summary>
public sealed record StripeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<KeyValuePair<string, string>> Form)
{
    public string? Field(string name) => Form.FirstOrDefault(f => f.Key == name).Value;
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Stripe's API, played locally on 127.0.0.1 by Kestrel for tests: it answers customers, Checkout
/// Sessions, billing portal sessions and subscriptions with objects built from Stripe's own example
/// fixtures, replays the first answer for a repeated Idempotency-Key as Stripe does, fails on
/// demand with Stripe's error object, and records every request.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StripeRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _idempotent = new();
    private readonly ConcurrentQueue<(string PathPrefix, int Status)> _failures = new();
    private int _sequence;

    /// <summary>Subscriptions Stripe knows, by id (tests put them here; cancel and update change them).</summary>
    public ConcurrentDictionary<string, JsonObject> Subscriptions { get; } = new();

    public Uri BaseAddress { get; }
    public IReadOnlyList<StripeRequest> Requests => _requests.ToArray();

    private FakeStripe(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
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
        if (key is not null && _idempotent.TryGetValue(key, out var first)) return first;
        var answer = Route(request);
        if (key is not null) _idempotent.TryAdd(key, answer);
        return answer;
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
                session["metadata"] = new JsonObject { ["tenantId"] = request.Field("metadata[tenantId]") };
                session["success_url"] = request.Field("success_url");
                session["cancel_url"] = request.Field("cancel_url");
                session["payment_intent"] = null;
                session["url"] = $"https://checkout.stripe.com/c/pay/{sessionId}";
                return (200, session.ToJsonString());

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
