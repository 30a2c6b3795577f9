using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Tollgate.Grains.Webhooks;
using Tollgate.Storage.Webhooks;

namespace Tollgate.Api.Webhooks;

/// <summary>
/// One attempt at a delivery: POSTs the event as stored, signed with the endpoint's secret, and says how it went. A 2xx
/// answer is delivered; anything else (another status, a redirect, no answer within the timeout) failed.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IDataProtectionProvider dataProtection,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock)
{
    public const string ClientName = "webhooks";

    private readonly IDataProtector _secrets = dataProtection.CreateProtector(WebhookSecrets.Purpose);

    /// <summary>Sends without the caller's cancellation: an attempt under way finishes (within the timeout) and is logged.</summary>
    public async Task<WebhookAttempt> SendAsync(WebhookTarget target, ClaimedDelivery delivery, bool manual)
    {
        var at = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        string secret;
        try
        {
            secret = _secrets.Unprotect(target.ProtectedSecret);
        }
        catch (CryptographicException)
        {
            return Failed(null, "The endpoint's secret cannot be decrypted with this silo's Data Protection keys; rotate it.");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.For(secret, at.ToUnixTimeSeconds(),
            delivery.Payload));
        request.Headers.TryAddWithoutValidation("Tollgate-Event-Id", delivery.EventId);
        request.Headers.TryAddWithoutValidation("Tollgate-Event-Type", delivery.EventType);
        request.Headers.TryAddWithoutValidation("Tollgate-Delivery-Id", delivery.Id);
        request.Headers.UserAgent.ParseAdd("Tollgate-Webhooks/1");
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? Attempt(status, null) : Failed(status, $"The endpoint answered HTTP {status}.");
        }
        catch (TaskCanceledException)
        {
            return Failed(null, "No answer within the timeout.");
        }
        catch (HttpRequestException exception)
        {
            return Failed(null, exception.Message);
        }

        WebhookAttempt Failed(int? status, string error) => Attempt(status, error);
        WebhookAttempt Attempt(int? status, string? error) =>
            new(at, status, error, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, manual);
    }
}
