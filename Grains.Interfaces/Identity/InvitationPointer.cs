namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.InvitationPointer")]
public sealed record InvitationPointer(string InvitationId, string TenantId);
