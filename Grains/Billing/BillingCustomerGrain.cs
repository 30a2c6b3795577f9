using Tollgate.Runtime;

namespace Tollgate.Grains.Billing;

public sealed class BillingCustomerState
{
    public string? TenantId { get; set; }
}

[GrainType("billing-customer")]
public sealed class BillingCustomerGrain([PersistentState("customer")] IPersistentState<BillingCustomerState> customer) : Grain, IBillingCustomerGrain
{
    public async Task Link(string tenantId)
    {
        if (customer.State.TenantId == tenantId) return;
        if (customer.State.TenantId is { } other) throw new InvalidOperationException($"Customer {GrainId.Key} already belongs to tenant {other}.");
        customer.State.TenantId = tenantId;
        await customer.WriteStateAsync();
    }

    public Task<string?> GetTenant() => Task.FromResult(customer.State.TenantId);
}
