using Tollgate.Api.Infrastructure;

namespace Tollgate.Api.Pages.Ops;

/// <summary>A tenant the console's search found, and the member whose email found it (when it was an email).</summary>
public sealed record TenantMatch(DirectoryTenant Tenant, string? MemberEmail, TenantRole? MemberRole);

/// <summary>
/// The console's tenant search over the platform directory: a tenant's exact id, a part of its name (ignoring case), or
/// the email of a member, looked up as the admin API's user search does (normalized, then the account with that email).
/// </summary>
public static class TenantSearch
{
    public const int MaxResults = 100;

    public static async Task<IReadOnlyList<TenantMatch>> FindAsync(IGrainFactory grains, string query)
    {
        var text = query.Trim();
        if (text.Length == 0) return [];
        var tenants = await grains.GetGrain<IPlatformDirectoryGrain>(IPlatformDirectoryGrain.Key).GetTenants();
        var matches = new List<TenantMatch>();
        if (text.Contains('@') && new Inputs().Email("email", text) is { } email
            && await AdminApi.UserIdByEmailAsync(grains, email) is { } userId
            && await grains.GetGrain<IUserGrain>(userId).GetProfile() is { } user)
        {
            foreach (var tenant in tenants)
                if (user.Tenants.TryGetValue(tenant.Id, out var role)) matches.Add(new TenantMatch(tenant, user.Email, role));
        }
        matches.AddRange(tenants
            .Where(t => t.Id == text || t.Name.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Where(t => matches.All(m => m.Tenant.Id != t.Id))
            .Select(t => new TenantMatch(t, null, null)));
        return matches.Take(MaxResults).ToList();
    }
}
