namespace Tollgate.Grains.Identity;

/// <summary>The operator's lists of every tenant and user (one grain, key <see cref="Key"/>).</summary>
[Alias("tollgate.IPlatformDirectoryGrain")]
public interface IPlatformDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "platform";

    Task AddTenant(DirectoryTenant tenant);
    Task RenameTenant(string id, string name);
    Task AddUser(DirectoryUser user);
    Task<IReadOnlyList<DirectoryTenant>> GetTenants();
    Task<IReadOnlyList<DirectoryUser>> GetUsers();
}
