using System.ComponentModel.DataAnnotations;
using Tollgate.Api.Auth;
using Tollgate.Api.Infrastructure;
using Tollgate.Api.OpenApi;
using Tollgate.Api.Payments;
using Tollgate.Grains;
using Tollgate.Grains.Billing;

namespace Tollgate.Api;

/// <summary>
/// A tenant's own choice of plan. No trial length: a tenant changes only between free plans here (paid plans go
/// through checkout, with the plan's trial), and a trial is the operator's to give.
/// </summary>
public sealed record ChangePlanRequest([property: Required] string? PlanId);
public sealed record GrantPlanRequest([property: Required] string? PlanId, int? TrialDays);
public sealed record CancelRequest(bool? AtPeriodEnd);
public sealed record SubscriptionResponse(
    string TenantId, string? PlanId, int PlanVersion, string Status, string Source, DateTimeOffset CurrentPeriodStart, DateTimeOffset CurrentPeriodEnd,
    DateTimeOffset? TrialEnd, bool CancelAtPeriodEnd, string? PendingPlanId, IReadOnlyDictionary<string, long> Quotas,
    IReadOnlyDictionary<string, System.Text.Json.JsonElement> Features, ProviderSubscriptionResponse? Provider, DateTimeOffset? GraceEndsAt, bool QuotasSuspended,
    DateTimeOffset? PaidThrough = null);
public sealed record ProviderSubscriptionResponse(string Name, string SubscriptionId, string CustomerId, string Status, string? PriceId);

public static class SubscriptionApi
{
    private const string SubscriptionConflict =
        "The change does not apply to the subscription as it is: a paid plan is bought through checkout, a paid subscription is changed "
        + "in the billing portal, the default plan has nothing to cancel, a subscription not set to cancel has nothing to resume, "
        + "a prepaid subscription ends by itself at `paidThrough` (no plan change or cancelling at the period's end inside it) "
        + "(`subscription_conflict`).";

    public static IEndpointRouteBuilder MapSubscriptionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/tenants/{tenantId}/subscription").WithTags("Subscription").RequireAuthorization(AuthorizationPolicies.Caller);
        api.MapGet("/", GetAsync)
            .WithName("GetSubscription").WithSummary("Read a tenant's subscription")
            .RequireTenantPermission(TenantPermission.Read);
        api.MapPost("/", ChangeAsync)
            .WithName("ChangeSubscription").WithSummary("Subscribe to a plan or change plans")
            .RequireTenantPermission(TenantPermission.ManageBilling)
            .AnswersProblem(StatusCodes.Status409Conflict, SubscriptionConflict);
        api.MapPost("/cancel", CancelAsync)
            .WithName("CancelSubscription").WithSummary("Cancel now or at the period's end")
            .RequireTenantPermission(TenantPermission.ManageBilling)
            .AnswersProblem(StatusCodes.Status409Conflict, SubscriptionConflict).CallsPaymentProvider();
        api.MapPost("/resume", ResumeAsync)
            .WithName("ResumeSubscription").WithSummary("Undo a cancellation at the period's end")
            .RequireTenantPermission(TenantPermission.ManageBilling)
            .AnswersProblem(StatusCodes.Status409Conflict, SubscriptionConflict).CallsPaymentProvider();
        app.MapGroup("/v1/admin").WithTags("Admin").RequireOperator().MapPost("/tenants/{tenantId}/subscription", GrantAsync)
            .WithName("GrantSubscription").WithSummary("Put a tenant on a plan, with optional trial (operator)");
        return app;
    }

    private static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> GetAsync(
        string tenantId, HttpContext http, IGrainFactory grains)
    {
        var subscription = await grains.GetGrain<ISubscriptionGrain>(tenantId).Get();
        return subscription is null ? Problems.NotFound("The subscription") : TypedResults.Ok(ToResponse(subscription));
    }

    internal static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> ChangeAsync(
        string tenantId, ChangePlanRequest request, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.PlanId)) return Problems.Field("planId", "planId is required.");
        return ToResult(await grains.GetGrain<ISubscriptionGrain>(tenantId).ChangePlan(request.PlanId, http.Actor()));
    }

    internal static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> CancelAsync(
        string tenantId, CancelRequest request, HttpContext http, IGrainFactory grains, IPaymentProvider provider,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        if (request.AtPeriodEnd is null) return Problems.Field("atPeriodEnd", "atPeriodEnd is required: true to cancel at the period end, false for now.");
        var subscription = grains.GetGrain<ISubscriptionGrain>(tenantId);
        if (await PaidThroughAsync(subscription) is { } paid)
        {
            var reported = request.AtPeriodEnd.Value
                ? await provider.SetCancelAtPeriodEndAsync(paid.SubscriptionId, true, http.RequestAborted)
                : await provider.CancelNowAsync(paid.SubscriptionId, http.RequestAborted);
            return await ApplyReportedAsync(subscription, reported, http, time);
        }
        return ToResult(await subscription.Cancel(request.AtPeriodEnd.Value, http.Actor()));
    }

    internal static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> ResumeAsync(
        string tenantId, HttpContext http, IGrainFactory grains, IPaymentProvider provider,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        var subscription = grains.GetGrain<ISubscriptionGrain>(tenantId);
        if (await PaidThroughAsync(subscription) is { } paid && (await subscription.Get())!.CancelAtPeriodEnd)
            return await ApplyReportedAsync(subscription, await provider.SetCancelAtPeriodEndAsync(paid.SubscriptionId, false, http.RequestAborted), http, time);
        return ToResult(await subscription.Resume(http.Actor()));
    }

    /// <summary>The provider subscription a paid plan runs on: changes to it go to the provider first.</summary>
    private static async Task<ProviderSubscriptionInfo?> PaidThroughAsync(ISubscriptionGrain subscription) =>
        await subscription.Get() is { Source: SubscriptionSource.Provider, ProviderSubscription: { } paid } ? paid : null;

    /// <summary>Applies what the provider answered at once; its webhook for the same change then finds nothing new.</summary>
    private static async Task<Ok<SubscriptionResponse>> ApplyReportedAsync(
        ISubscriptionGrain subscription, ProviderSubscription reported, HttpContext http, TimeProvider time)
    {
        await subscription.ApplyProviderSubscription(new ProviderEvent($"api:{Guid.NewGuid():N}", "api.subscription", time.GetUtcNow()), reported, http.Actor());
        return TypedResults.Ok(ToResponse((await subscription.Get())!));
    }

    /// <summary>The operator puts a tenant on a plan; the console's tenant page calls this too.</summary>
    internal static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> GrantAsync(
        string tenantId, GrantPlanRequest request, HttpContext http, IGrainFactory grains)
    {
        if (await grains.GetGrain<ITenantGrain>(tenantId).Get() is null) return Problems.NotFound("The tenant");
        var inputs = new Inputs();
        if (string.IsNullOrWhiteSpace(request.PlanId)) inputs.Fail("planId", "planId is required.");
        if (request.TrialDays is < 0 or > 365) inputs.Fail("trialDays", "trialDays must be from 0 to 365.");
        if (!inputs.IsValid) return inputs.Problem();
        return ToResult(await grains.GetGrain<ISubscriptionGrain>(tenantId).Grant(request.PlanId!, request.TrialDays, http.Actor()));
    }

    private static Results<Ok<SubscriptionResponse>, ProblemHttpResult> ToResult(SubscriptionResult result) => result.Error switch
    {
        SubscriptionError.None => TypedResults.Ok(ToResponse(result.Value!)),
        SubscriptionError.NotFound => Problems.Create(StatusCodes.Status404NotFound, "not_found", "Not found", result.Detail),
        SubscriptionError.Conflict => Problems.Conflict("subscription_conflict", result.Detail!),
        _ => Problems.Field("planId", result.Detail!),
    };

    private static SubscriptionResponse ToResponse(SubscriptionInfo s) => new(
        s.TenantId, s.PlanId, s.PlanVersion, WireNames.Of(s.Status), WireNames.Of(s.Source),
        s.CurrentPeriodStart, s.CurrentPeriodEnd, s.TrialEnd, s.CancelAtPeriodEnd, s.PendingPlanId, s.Quotas, s.Features,
        s.ProviderSubscription is { } p ? new(p.Provider, p.SubscriptionId, p.CustomerId, WireNames.Of(p.Status), p.PriceId) : null,
        s.GraceEndsAt, s.QuotasSuspended, s.PaidThrough);
}
