namespace Tollgate.Grains.Billing;

/// <summary>The tenants on one plan, so a plan change can be applied to them at once.</summary>
[Alias("tollgate.IPlanSubscribersGrain")]
public interface IPlanSubscribersGrain : IGrainWithStringKey
{
    Task Add(string tenantId);
    Task Remove(string tenantId);
    Task<IReadOnlyList<string>> Get();
}
