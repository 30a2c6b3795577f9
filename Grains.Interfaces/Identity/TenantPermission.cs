namespace Tollgate.Grains.Identity;

/// <summary>What a member of a tenant may do; each endpoint asks for one.</summary>
public enum TenantPermission
{
    Read,
    ManageSettings,
    ManageMembers,
    ManageOwners,
    ManageApiKeys,
    ReadAuditLog,
    ManageBilling,
    /// <summary>Deduct and refund quota with a user token (reading and checking it needs only <see cref="Read"/>).</summary>
    UseQuota,
    /// <summary>Spend, refund and reserve credits with a user token (reading the wallet needs only <see cref="Read"/>).</summary>
    UseCredits,
}
