using System.Security.Cryptography;

namespace Tollgate.Grains.Identity;

public sealed class PlatformDirectoryState
{
    public List<DirectoryTenant> Tenants { get; set; } = [];
    public List<DirectoryUser> Users { get; set; } = [];
}

[GrainType("platform-directory"), StateShownOnDashboard]
public sealed class PlatformDirectoryGrain([PersistentState("directory", StorageNames.Default)] IPersistentState<PlatformDirectoryState> directory)
    : TollgateGrain, IPlatformDirectoryGrain
{
    public async Task AddTenant(DirectoryTenant tenant)
    {
        if (directory.State.Tenants.Any(t => t.Id == tenant.Id)) return;
        directory.State.Tenants.Add(tenant);
        await directory.WriteStateAsync();
    }

    public async Task RenameTenant(string id, string name)
    {
        var index = directory.State.Tenants.FindIndex(t => t.Id == id);
        if (index < 0) return;
        directory.State.Tenants[index] = directory.State.Tenants[index] with { Name = name };
        await directory.WriteStateAsync();
    }

    public async Task AddUser(DirectoryUser user)
    {
        if (directory.State.Users.Any(u => u.Id == user.Id)) return;
        directory.State.Users.Add(user);
        await directory.WriteStateAsync();
    }

    public Task<IReadOnlyList<DirectoryTenant>> GetTenants() => Task.FromResult<IReadOnlyList<DirectoryTenant>>(directory.State.Tenants.ToList());

    public Task<IReadOnlyList<DirectoryUser>> GetUsers() => Task.FromResult<IReadOnlyList<DirectoryUser>>(directory.State.Users.ToList());
}

public sealed class PlatformSecretState
{
    public byte[]? Value { get; set; }
}

[GrainType("platform-secret")]
public sealed class PlatformSecretGrain([PersistentState("secret", StorageNames.Default)] IPersistentState<PlatformSecretState> secret)
    : TollgateGrain, IPlatformSecretGrain
{
    public async Task<byte[]> GetOrCreate(int bytes)
    {
        if (secret.State.Value is null)
        {
            secret.State.Value = RandomNumberGenerator.GetBytes(bytes);
            await secret.WriteStateAsync();
        }
        return secret.State.Value;
    }
}
