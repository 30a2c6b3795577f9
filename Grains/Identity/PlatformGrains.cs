namespace Tollgate.Grains.Identity;

public sealed class PlatformDirectoryState
{
    public List<DirectoryTenant> Tenants { get; set; } = [];
    public List<DirectoryUser> Users { get; set; } = [];
}

[GrainType("platform-directory")]
public sealed class PlatformDirectoryGrain([PersistentState("directory", StorageNames.Default)] IPersistentState<PlatformDirectoryState> directory)
    : TollgateGrain, IPlatformDirectoryGrain, IStateShownOnDashboard
{
    public Task<string> GetDashboardState() => DashboardStateJson.Of(directory.State);

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
    /// <summary>The raw secret as versions before Data Protection kept it; replaced by <see cref="Protected"/> on first start.</summary>
    public byte[]? Value { get; set; }

    public string? Protected { get; set; }
}

[GrainType("platform-secret")]
public sealed class PlatformSecretGrain([PersistentState("secret", StorageNames.Default)] IPersistentState<PlatformSecretState> secret)
    : TollgateGrain, IPlatformSecretGrain
{
    public Task<StoredSecret> Get() => Task.FromResult(new StoredSecret(secret.State.Protected, secret.State.Value));

    public async Task<string> Keep(string protectedValue, string? replacing)
    {
        if (secret.State.Protected is { } kept && kept != replacing) return kept;
        secret.State.Protected = protectedValue;
        secret.State.Value = null;
        await secret.WriteStateAsync();
        return protectedValue;
    }
}
