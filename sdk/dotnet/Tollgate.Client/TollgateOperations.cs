namespace Tollgate.Client;

/// <summary>One Tollgate operation: its method, its path template as Tollgate's OpenAPI document names it, what it sends and
/// reads.</summary>
internal sealed record TollgateOperation(string Method, string PathTemplate, Type? Request, Type Response)
{
    /// <summary>The path relative to the base URL, each <c>{parameter}</c> of the template filled (escaped) in order.</summary>
    public string Path(params string[] values)
    {
        var path = PathTemplate.TrimStart('/');
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value)) throw new ArgumentException($"{PathTemplate} needs every path parameter.");
            var start = path.IndexOf('{', StringComparison.Ordinal);
            path = path[..start] + Uri.EscapeDataString(value) + path[(path.IndexOf('}', start) + 1)..];
        }
        return path;
    }
}

/// <summary>Every operation the client calls; a test checks each against the OpenAPI document of a real silo.</summary>
internal static class TollgateOperations
{
    public static readonly TollgateOperation ConsumeQuota =
        new("POST", "/v1/quota/consume", typeof(QuotaRequest), typeof(QuotaConsumeResponse));
    public static readonly TollgateOperation CheckQuota = new("POST", "/v1/quota/check", typeof(QuotaRequest), typeof(QuotaCheckResponse));
    public static readonly TollgateOperation RefundQuota =
        new("POST", "/v1/quota/refund", typeof(QuotaRefundRequest), typeof(QuotaRefundResponse));
    public static readonly TollgateOperation ConsumeCredits =
        new("POST", "/v1/credits/consume", typeof(CreditsConsumeRequest), typeof(CreditsConsumeResponse));
    public static readonly TollgateOperation RefundCredits =
        new("POST", "/v1/credits/refund", typeof(CreditsRefundRequest), typeof(CreditsRefundResponse));
    public static readonly TollgateOperation CreateReservation =
        new("POST", "/v1/credits/reservations", typeof(ReservationRequest), typeof(ReservationResponse));
    public static readonly TollgateOperation SettleReservation = new("POST", "/v1/credits/reservations/{reservationId}/settle",
        typeof(SettleReservationRequest), typeof(SettleReservationResponse));
    public static readonly TollgateOperation ReleaseReservation = new("POST", "/v1/credits/reservations/{reservationId}/release",
        typeof(ReleaseReservationRequest), typeof(ReleaseReservationResponse));
    public static readonly TollgateOperation GetQuotas =
        new("GET", "/v1/tenants/{tenantId}/quotas", null, typeof(IReadOnlyList<QuotaStatusResponse>));
    public static readonly TollgateOperation GetCredits =
        new("GET", "/v1/tenants/{tenantId}/credits", null, typeof(CreditsBalanceResponse));
    public static readonly TollgateOperation GetUsage = new("GET", "/v1/tenants/{tenantId}/usage", null, typeof(UsageResponse));

    public static readonly IReadOnlyList<TollgateOperation> All =
    [
        ConsumeQuota, CheckQuota, RefundQuota, ConsumeCredits, RefundCredits, CreateReservation, SettleReservation, ReleaseReservation,
        GetQuotas, GetCredits, GetUsage,
    ];
}
