namespace Tollgate.Grains.Identity;

/// <summary>
/// The invitations sent to one (normalized) email, as pointers to the tenants that hold them: how an
/// invitee finds theirs. The tenant stays the authority on whether an invitation is still pending.
/// </summary>
[Alias("tollgate.IInviteeGrain")]
public interface IInviteeGrain : IGrainWithStringKey
{
    Task Add(InvitationPointer invitation);
    Task Remove(string invitationId);
    Task<IReadOnlyList<InvitationPointer>> GetInvitations();
}
