
namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.DirectoryTenant")]
public sealed record DirectoryTenant(string Id, string Name, DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("tollgate.DirectoryUser")]
public sealed record DirectoryUser(string Id, string Email, DateTimeOffset CreatedAt);

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

/// <summary>Secrets the platform generates once and keeps, such as the JWT signing key.</summary>
[Alias("tollgate.IPlatformSecretGrain")]
public interface IPlatformSecretGrain : IGrainWithStringKey
{
    /// <summary>The secret, generated with <paramref name="bytes"/> random bytes on first use.</summary>
    Task<byte[]> GetOrCreate(int bytes);
}
