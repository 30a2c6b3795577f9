
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

/// <summary>
/// A kept secret: <see cref="Protected"/> is encrypted by the front end (ASP.NET Core Data Protection)
/// before it reaches the grain; <see cref="Legacy"/> is one stored raw by an earlier version, until it is protected.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.StoredSecret")]
public sealed record StoredSecret(string? Protected, byte[]? Legacy);

/// <summary>Secrets the platform generates once and keeps, such as the JWT signing key; never in the clear.</summary>
[Alias("tollgate.IPlatformSecretGrain")]
public interface IPlatformSecretGrain : IGrainWithStringKey
{
    Task<StoredSecret> Get();

    /// <summary>
    /// Keeps <paramref name="protectedValue"/> unless a protected secret other than <paramref name="replacing"/>
    /// is kept already (another silo was first); returns the one kept. A raw legacy secret is dropped once
    /// the protected one is kept.
    /// </summary>
    /// <param name="replacing">The kept value the caller could not read (its Data Protection keys are gone), or null.</param>
    Task<string> Keep(string protectedValue, string? replacing);
}
