namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.AuditEntryActor")]
public sealed record AuditEntryActor(string Type, string Id);
