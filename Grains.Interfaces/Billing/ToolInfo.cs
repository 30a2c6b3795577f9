namespace Tollgate.Grains.Billing;

/// <summary>Something an app does that costs credits, named "{appId}/{key}" like quota types.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.ToolInfo")]
public sealed record ToolInfo(string Id, string AppId, string Key, string Name, long CreditsPerUnit, DateTimeOffset CreatedAt);
