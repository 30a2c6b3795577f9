using System.Text.Json;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

public enum QuotaWindow { Daily, Monthly, Yearly, Lifetime }

public enum BillingInterval { Month, Year }

[GenerateSerializer, Immutable, Alias("tollgate.AppInfo")]
public sealed record AppInfo(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>A metered quantity of an app, named "{appId}/{key}".</summary>
[GenerateSerializer, Immutable, Alias("tollgate.QuotaTypeInfo")]
public sealed record QuotaTypeInfo(string Id, string AppId, string Key, string Name, string Unit, QuotaWindow Window, DateTimeOffset CreatedAt);

/// <summary>What an operator sends to create or change a plan.</summary>
/// <param name="GraceDays">How long a past-due subscription keeps its quotas before they are suspended.</param>
[GenerateSerializer, Immutable, Alias("tollgate.PlanDefinition")]
public sealed record PlanDefinition(
    string Name, string? Description, long PriceMinor, string Currency, BillingInterval Interval, int TrialDays, int GraceDays,
    IReadOnlyDictionary<string, long> Quotas, IReadOnlyDictionary<string, JsonElement> Features, string? StripePriceId, bool IsDefault);

/// <summary>A plan as stored: <see cref="Version"/> grows with every change.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.PlanInfo")]
public sealed record PlanInfo(
    string Id, string Name, string? Description, long PriceMinor, string Currency, BillingInterval Interval, int TrialDays, int GraceDays,
    IReadOnlyDictionary<string, long> Quotas, IReadOnlyDictionary<string, JsonElement> Features, string? StripePriceId,
    bool IsDefault, bool Archived, int Version, DateTimeOffset UpdatedAt)
{
    public bool IsFree => PriceMinor == 0;
}

[GenerateSerializer, Immutable, Alias("tollgate.CatalogSnapshot")]
public sealed record CatalogSnapshot(IReadOnlyList<AppInfo> Apps, IReadOnlyList<QuotaTypeInfo> QuotaTypes, IReadOnlyList<PlanInfo> Plans)
{
    public PlanInfo? Plan(string id) => Plans.FirstOrDefault(p => p.Id == id);
    public PlanInfo? DefaultPlan => Plans.FirstOrDefault(p => p.IsDefault && !p.Archived);
    public QuotaTypeInfo? QuotaType(string id) => QuotaTypes.FirstOrDefault(q => q.Id == id);
}

public enum CatalogError { None, NotFound, Conflict, Invalid }

[GenerateSerializer, Immutable, Alias("tollgate.CatalogResult`1")]
public sealed record CatalogResult<T>(T? Value, CatalogError Error = CatalogError.None, string? Detail = null, string? Field = null)
{
    public static CatalogResult<T> Fail(CatalogError error, string detail, string? field = null) => new(default, error, detail, field);
}

/// <summary>
/// The operator's catalog of apps, quota types and plans (one grain, key <see cref="Key"/>). It is
/// read when subscriptions start or renew and when counters activate, never per consume.
/// </summary>
[Alias("tollgate.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithStringKey
{
    public const string Key = "catalog";

    Task<CatalogSnapshot> Get();
    Task<CatalogResult<AppInfo>> CreateApp(string id, string name, AuditActor actor);
    Task<CatalogResult<QuotaTypeInfo>> CreateQuotaType(string appId, string key, string name, string unit, QuotaWindow window, AuditActor actor);
    Task<CatalogResult<PlanInfo>> CreatePlan(string id, PlanDefinition plan, AuditActor actor);
    Task<CatalogResult<PlanInfo>> UpdatePlan(string id, PlanDefinition plan, AuditActor actor);
    Task<CatalogResult<PlanInfo>> ArchivePlan(string id, AuditActor actor);
}
