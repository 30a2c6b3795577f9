using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Polly.Timeout;

namespace Tollgate.Client;

/// <summary>
/// Tollgate's quota, credits and usage calls, typed. Register it with <c>services.AddTollgateClient(...)</c> and inject it.
/// Every mutating call carries an <c>Idempotency-Key</c> (the caller's, or one made per call) that its retries keep, so
/// a call retried after a lost answer deducts once and answers the first call's result (<see cref="ReplayableResponse.Replayed"/>).
/// Refusals throw <see cref="TollgateException"/> and its kinds.
/// </summary>
public sealed class TollgateClient(HttpClient http)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The response headers an exception keeps, for the app to pass on.</summary>
    internal static readonly string[] PassedOnHeaders =
        ["X-Quota-Limit", "X-Quota-Remaining", "X-Quota-Reset", "X-Credits-Remaining", "Retry-After"];

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Deducts quota. Throws <see cref="QuotaExceededException"/> (nothing deducted) when it does not fit.</summary>
    public Task<QuotaConsumeResponse> ConsumeQuotaAsync(QuotaRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        PostAsync<QuotaConsumeResponse>(TollgateOperations.ConsumeQuota.Path(), request, Key(idempotencyKey), cancellationToken);

    /// <summary>Asks whether an amount fits, deducting nothing; an amount that does not fit answers <c>Allowed = false</c>.</summary>
    public async Task<QuotaCheckResponse> CheckQuotaAsync(QuotaRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PostAsync<QuotaCheckResponse>(TollgateOperations.CheckQuota.Path(), request, null, cancellationToken);
        }
        catch (QuotaExceededException exceeded)
        {
            return new QuotaCheckResponse(false, exceeded.Limit, exceeded.Used, exceeded.Remaining, exceeded.ResetsAt);
        }
    }

    /// <summary>Gives back some or all of a consume (named by its consumeId or the idempotency key it was made with).</summary>
    public Task<QuotaRefundResponse> RefundQuotaAsync(QuotaRefundRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        PostAsync<QuotaRefundResponse>(TollgateOperations.RefundQuota.Path(), request, Key(idempotencyKey), cancellationToken);

    /// <summary>Spends credits for a use of a tool. Throws <see cref="InsufficientCreditsException"/> (nothing spent) when short.</summary>
    public Task<CreditsConsumeResponse> ConsumeCreditsAsync(CreditsConsumeRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        PostAsync<CreditsConsumeResponse>(TollgateOperations.ConsumeCredits.Path(), request, Key(idempotencyKey), cancellationToken);

    /// <summary>Gives back some or all of a spend to the grants it came from.</summary>
    public Task<CreditsRefundResponse> RefundCreditsAsync(CreditsRefundRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        PostAsync<CreditsRefundResponse>(TollgateOperations.RefundCredits.Path(), request, Key(idempotencyKey), cancellationToken);

    /// <summary>Holds a tool's price until settled, released or expired; <see cref="InsufficientCreditsException"/> when short.</summary>
    public Task<ReservationResponse> CreateReservationAsync(ReservationRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        PostAsync<ReservationResponse>(TollgateOperations.CreateReservation.Path(), request, Key(idempotencyKey), cancellationToken);

    /// <summary>Spends what a job used of its reservation and releases the rest.</summary>
    public Task<SettleReservationResponse> SettleReservationAsync(string reservationId, SettleReservationRequest request,
        string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        PostAsync<SettleReservationResponse>(TollgateOperations.SettleReservation.Path(reservationId), request, Key(idempotencyKey),
            cancellationToken);

    /// <summary>Gives back all that a reservation holds.</summary>
    public Task<ReleaseReservationResponse> ReleaseReservationAsync(string reservationId, string? tenantId = null,
        string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        PostAsync<ReleaseReservationResponse>(TollgateOperations.ReleaseReservation.Path(reservationId),
            new ReleaseReservationRequest(tenantId), Key(idempotencyKey), cancellationToken);

    /// <summary>Every quota of the tenant with what remains.</summary>
    public Task<IReadOnlyList<QuotaStatusResponse>> GetQuotasAsync(string tenantId, CancellationToken cancellationToken = default) =>
        GetAsync<IReadOnlyList<QuotaStatusResponse>>(TollgateOperations.GetQuotas.Path(tenantId), cancellationToken);

    /// <summary>The tenant's wallet: balance, held, available and its grants in spend order.</summary>
    public Task<CreditsBalanceResponse> GetCreditsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        GetAsync<CreditsBalanceResponse>(TollgateOperations.GetCredits.Path(tenantId), cancellationToken);

    /// <summary>The tenant's usage totals by day or month.</summary>
    public Task<UsageResponse> GetUsageAsync(string tenantId, UsageQuery? query = null, CancellationToken cancellationToken = default)
    {
        var parameters = new List<string>();
        if (query?.From is { } from) parameters.Add("from=" + Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture)));
        if (query?.To is { } to) parameters.Add("to=" + Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture)));
        if (query?.QuotaType is { } quotaType) parameters.Add("quotaType=" + Uri.EscapeDataString(quotaType));
        if (query?.GroupBy is { } groupBy) parameters.Add("groupBy=" + Uri.EscapeDataString(groupBy));
        var path = TollgateOperations.GetUsage.Path(tenantId) + (parameters.Count > 0 ? "?" + string.Join('&', parameters) : "");
        return GetAsync<UsageResponse>(path, cancellationToken);
    }

    /// <summary>A fresh idempotency key, for a caller that wants to keep it (to retry the same logical call itself later).</summary>
    public static string NewIdempotencyKey() => "tgc_" + Guid.NewGuid().ToString("N");

    private static string Key(string? idempotencyKey) => string.IsNullOrEmpty(idempotencyKey) ? NewIdempotencyKey() : idempotencyKey;

    private Task<T> PostAsync<T>(string path, object body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        // Bytes, not a stream: the resilience handler sends this same message again on a retry.
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), s_json))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } },
            },
        };
        if (idempotencyKey is not null) request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        return SendAsync<T>(request, cancellationToken);
    }

    private Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var _ = request;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception failure) when (failure is HttpRequestException or TimeoutRejectedException
            || (failure is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TollgateUnavailableException(
                $"Tollgate did not answer {request.Method} {request.RequestUri}: {failure.Message}", failure);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken);
            var answer = await response.Content.ReadFromJsonAsync<T>(s_json, cancellationToken)
                ?? throw new TollgateUnavailableException($"Tollgate answered {request.Method} {request.RequestUri} with no body.", null);
            if (answer is ReplayableResponse replayable && response.Headers.TryGetValues(ReplayedHeader, out var replayed)
                && replayed.Contains("true", StringComparer.OrdinalIgnoreCase))
                answer = (T)(object)(replayable with { Replayed = true });
            return answer;
        }
    }

    internal static async Task<TollgateException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = ProblemDocument.Parse((int)response.StatusCode, body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in PassedOnHeaders)
            if (response.Headers.TryGetValues(name, out var values)) headers[name] = string.Join(',', values);
        return problem switch
        {
            { Status: 402, Code: QuotaExceededException.ProblemCode } => new QuotaExceededException(problem, headers),
            { Status: 402, Code: InsufficientCreditsException.ProblemCode } => new InsufficientCreditsException(problem, headers),
            { Status: >= 500 or (int)HttpStatusCode.RequestTimeout } => new TollgateUnavailableException(problem, headers),
            _ => new TollgateException(problem, headers),
        };
    }
}
