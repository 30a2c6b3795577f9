namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.DirectoryUser")]
public sealed record DirectoryUser(string Id, string Email, DateTimeOffset CreatedAt);
