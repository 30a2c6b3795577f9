
namespace Tollgate.Grains.Billing;

public sealed class BillingCustomerState
{
    public string? TenantId { get; set; }
}

[GrainType("billing-customer")]
public sealed class BillingCustomerGrain([PersistentState("customer", StorageNames.Default)] IPersistentState<BillingCustomerState> customer)
    : TollgateGrain, IBillingCustomerGrain, IStateShownOnDashboard
{
    public Task<string> GetDashboardState() => DashboardStateJson.Of(customer.State);

    public async Task Link(string tenantId)
    {
        if (customer.State.TenantId == tenantId) return;
        if (customer.State.TenantId is { } other) throw new InvalidOperationException($"Customer {this.GetPrimaryKeyString()} already belongs to tenant {other}.");
        customer.State.TenantId = tenantId;
        await customer.WriteStateAsync();
    }

    public Task<string?> GetTenant() => Task.FromResult(customer.State.TenantId ?? NothingHeld<string?>(null));
}
