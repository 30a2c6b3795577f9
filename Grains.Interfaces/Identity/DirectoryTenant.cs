namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.DirectoryTenant")]
public sealed record DirectoryTenant(string Id, string Name, DateTimeOffset CreatedAt);
