using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.Payments;

/// <summary>
/// Stripe's REST API over HttpClient: form bodies in bracket notation, the secret key as a bearer
/// token, a pinned <c>Stripe-Version</c>, an <c>Idempotency-Key</c> on every POST and DELETE, and
/// retries with exponential backoff on 429, 5xx and network errors under the same key, so a
/// retried request is applied by Stripe at most once.
/// </summary>
public sealed class StripeClient(HttpClient http, IOptions<StripeOptions> options, ILogger<StripeClient> logger, TimeProvider time)
{
    private readonly StripeOptions _options = options.Value;

    public Task<JsonElement> PostAsync(string path, StripeForm form, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, form, idempotencyKey, cancellationToken);

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, idempotencyKey, cancellationToken);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, StripeForm? form, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var secretKey = _options.SecretKey is { Length: > 0 } key ? key : throw new PaymentsNotConfiguredException();
        var body = form?.Encode();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(_options.ApiBase, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
            request.Headers.Add("Stripe-Version", StripeOptions.ApiVersion);
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");

            StripeException failure;
            TimeSpan? retryAfter = null;
            var shouldRetry = true;
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode) return JsonDocument.Parse(text).RootElement.Clone();
                failure = Error(response, text);
                retryAfter = response.Headers.RetryAfter?.Delta;
                // Stripe says outright when a retry would (not) help; otherwise 429 and 5xx are worth one.
                if (response.Headers.TryGetValues("Stripe-Should-Retry", out var should)) shouldRetry = should.FirstOrDefault() == "true";
                else shouldRetry = failure.IsTransient;
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = new StripeException(null, null, null, $"Stripe could not be reached: {exception.Message}", null, null, exception);
            }
            catch (JsonException exception)
            {
                failure = new StripeException(HttpStatusCode.BadGateway, null, null, "Stripe answered with a body that is not JSON.", null, null, exception);
                shouldRetry = false;
            }

            logger.LogWarning("Stripe {Method} {Path} failed (attempt {Attempt} of {MaxAttempts}): HTTP {Status}, type {Type}, code {Code}, param {Param}, request {RequestId}: {Message}",
                method, path, attempt, _options.MaxAttempts, (int?)failure.StatusCode, failure.Type, failure.Code, failure.Param, failure.RequestId, failure.Message);
            if (!shouldRetry || attempt >= _options.MaxAttempts) throw failure;
            await Task.Delay(retryAfter ?? Backoff(attempt), time, cancellationToken);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var full = _options.RetryDelay * Math.Pow(2, attempt - 1);
        return full * (0.5 + Random.Shared.NextDouble() / 2); // jitter, so callers that failed together do not retry together
    }

    private static StripeException Error(HttpResponseMessage response, string body)
    {
        var requestId = response.Headers.TryGetValues("Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        try
        {
            if (JsonDocument.Parse(body).RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                return new StripeException(response.StatusCode, StripeObjects.Text(error, "type"), StripeObjects.Text(error, "code"),
                    StripeObjects.Text(error, "message") ?? $"Stripe answered HTTP {(int)response.StatusCode}.", StripeObjects.Text(error, "param"), requestId);
        }
        catch (JsonException)
        {
        }
        return new StripeException(response.StatusCode, null, null, $"Stripe answered HTTP {(int)response.StatusCode}.", null, requestId);
    }
}
