namespace Tollgate.Grains.Identity;

/// <summary>Who made a change and from where: passed into every mutating grain call.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.AuditActor")]
public sealed record AuditActor(string Type, string Id, string? Ip, string? UserAgent)
{
    public static AuditActor User(string userId, string? ip, string? userAgent) => new("user", userId, ip, userAgent);
    public static AuditActor ApiKey(string keyId, string? ip, string? userAgent) => new("apiKey", keyId, ip, userAgent);
    /// <summary>An operator's platform key acting for a tenant: a type of its own, so the tenant sees it was not one of its keys.</summary>
    public static AuditActor PlatformKey(string keyId, string? ip, string? userAgent) => new("platformKey", keyId, ip, userAgent);
    public static readonly AuditActor System = new("system", "tollgate", null, null);
}
