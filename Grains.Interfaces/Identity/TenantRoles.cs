namespace Tollgate.Grains.Identity;

public static class TenantRoles
{
    /// <summary>
    /// Owners may do everything; admins manage members (not owners), API keys and settings, read
    /// the audit log and use quota and credits; billing manages subscription, payments and invoices; members read.
    /// </summary>
    public static bool Allows(this TenantRole role, TenantPermission permission) => role switch
    {
        TenantRole.Owner => true,
        TenantRole.Admin => permission is TenantPermission.Read or TenantPermission.ManageSettings or TenantPermission.ManageMembers
            or TenantPermission.ManageApiKeys or TenantPermission.ReadAuditLog or TenantPermission.UseQuota or TenantPermission.UseCredits,
        TenantRole.Billing => permission is TenantPermission.Read or TenantPermission.ManageBilling,
        TenantRole.Member => permission is TenantPermission.Read,
        _ => false,
    };

    public static string ToWire(this TenantRole role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out TenantRole role) =>
        Enum.TryParse(value, ignoreCase: true, out role) && Enum.IsDefined(role) && !int.TryParse(value, out _);
}
