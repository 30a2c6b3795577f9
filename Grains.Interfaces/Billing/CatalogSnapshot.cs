namespace Tollgate.Grains.Billing;

[GenerateSerializer, Immutable, Alias("tollgate.CatalogSnapshot")]
public sealed record CatalogSnapshot(
    IReadOnlyList<AppInfo> Apps, IReadOnlyList<QuotaTypeInfo> QuotaTypes, IReadOnlyList<PlanInfo> Plans,
    IReadOnlyList<ToolInfo> Tools, IReadOnlyList<CreditPackInfo> CreditPacks)
{
    public PlanInfo? Plan(string id) => Plans.FirstOrDefault(p => p.Id == id);
    public PlanInfo? DefaultPlan => Plans.FirstOrDefault(p => p.IsDefault && !p.Archived);
    public QuotaTypeInfo? QuotaType(string id) => QuotaTypes.FirstOrDefault(q => q.Id == id);
    public ToolInfo? Tool(string id) => Tools.FirstOrDefault(t => t.Id == id);
    public CreditPackInfo? CreditPack(string id) => CreditPacks.FirstOrDefault(p => p.Id == id);
}
