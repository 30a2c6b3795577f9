namespace Tollgate.Grains.Billing;

/// <summary>A metered quantity of an app, named "{appId}/{key}".</summary>
[GenerateSerializer, Immutable, Alias("tollgate.QuotaTypeInfo")]
public sealed record QuotaTypeInfo(string Id, string AppId, string Key, string Name, string Unit, QuotaWindow Window, DateTimeOffset CreatedAt);
