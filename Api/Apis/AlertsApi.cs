using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Grains.Alerts;

namespace Tollgate.Api;

/// <summary>All of a tenant's alert settings at once: what is left out is off (an empty list, a null threshold).</summary>
public sealed record AlertSettingsRequest(IReadOnlyList<int>? QuotaPercents, long? CreditsBelow);
public sealed record AlertSettingsResponse(IReadOnlyList<int> QuotaPercents, long? CreditsBelow);

public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants/{tenantId}/alerts").WithTags("Alerts").RequireAuthorization(AuthorizationPolicies.Caller);
        api.MapGet("/", GetAsync)
            .WithName("GetAlertSettings").WithSummary("Read a tenant's alert thresholds")
            .RequireTenantPermission(TenantPermission.Read);
        api.MapPut("/", SetAsync)
            .WithName("SetAlertSettings").WithSummary("Set a tenant's quota percents and credit threshold")
            .RequireTenantPermission(TenantPermission.ManageSettings);
        return app;
    }

    private static async Task<Ok<AlertSettingsResponse>> GetAsync(string tenantId, IGrainFactory grains) =>
        TypedResults.Ok(ToResponse(await grains.GetGrain<IAlertSettingsGrain>(tenantId).Get()));

    private static async Task<Results<Ok<AlertSettingsResponse>, ProblemHttpResult>> SetAsync(
        string tenantId, AlertSettingsRequest request, HttpContext http, IGrainFactory grains)
    {
        var inputs = new Inputs();
        if (request.QuotaPercents is not { } percents)
            inputs.Fail("quotaPercents", "quotaPercents is required: a list of percents, [] for none.");
        else
        {
            if (percents.Any(p => p is < 1 or > 100)) inputs.Fail("quotaPercents", "Each percent must be a whole number from 1 to 100.");
            if (percents.Distinct().Count() != percents.Count) inputs.Fail("quotaPercents", "A percent may be listed once.");
            if (percents.Count > AlertSettings.MaxQuotaPercents)
                inputs.Fail("quotaPercents", $"At most {AlertSettings.MaxQuotaPercents} percents may be listed.");
        }
        if (request.CreditsBelow < 0) inputs.Fail("creditsBelow", "creditsBelow must be at least 0, or null for no credit alert.");
        if (!inputs.IsValid) return inputs.Problem();
        var settings = new AlertSettings([.. request.QuotaPercents!.Order()], request.CreditsBelow);
        return TypedResults.Ok(ToResponse(await grains.GetGrain<IAlertSettingsGrain>(tenantId).Set(settings, http.Actor())));
    }

    private static AlertSettingsResponse ToResponse(AlertSettings settings) => new(settings.QuotaPercents, settings.CreditsBelow);
}
