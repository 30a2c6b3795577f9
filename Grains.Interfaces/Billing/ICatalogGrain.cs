using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Billing;

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
    Task<CatalogResult<ToolInfo>> CreateTool(string appId, string key, string name, long creditsPerUnit, AuditActor actor);
}
