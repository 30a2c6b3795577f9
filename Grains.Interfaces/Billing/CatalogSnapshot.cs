namespace Tollgate.Grains.Billing;

[GenerateSerializer, Immutable, Alias("tollgate.CatalogSnapshot")]
public sealed record CatalogSnapshot(IReadOnlyList<AppInfo> Apps, IReadOnlyList<QuotaTypeInfo> QuotaTypes, IReadOnlyList<PlanInfo> Plans)
{
    public PlanInfo? Plan(string id) => Plans.FirstOrDefault(p => p.Id == id);
    public PlanInfo? DefaultPlan => Plans.FirstOrDefault(p => p.IsDefault && !p.Archived);
    public QuotaTypeInfo? QuotaType(string id) => QuotaTypes.FirstOrDefault(q => q.Id == id);
}
