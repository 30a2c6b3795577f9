namespace Tollgate.Grains.Billing;

[GenerateSerializer, Immutable, Alias("tollgate.AppInfo")]
public sealed record AppInfo(string Id, string Name, DateTimeOffset CreatedAt);
