namespace Tollgate.Api.Payments;

/// <summary>A tenant's customer at the payment provider, created the first time a payment step needs it.</summary>
public static class BillingCustomers
{
    public static async Task<string> EnsureAsync(IGrainFactory grains, IPaymentProvider provider, string tenantId, AuditActor actor, CancellationToken cancellationToken)
    {
        var tenant = grains.GetGrain<ITenantGrain>(tenantId);
        if (await tenant.GetBillingCustomer(provider.Name) is { } existing) return existing;
        var info = await tenant.Get() ?? throw new InvalidOperationException($"Tenant {tenantId} does not exist.");
        // The provider returns the same customer for the same tenant (idempotent by tenant), and the
        // tenant keeps the first one it is given, so concurrent first payments share one customer.
        var created = await provider.CreateCustomerAsync(tenantId, info.Name, info.Settings.BillingEmail, cancellationToken);
        return await tenant.SetBillingCustomer(provider.Name, created, actor);
    }
}
