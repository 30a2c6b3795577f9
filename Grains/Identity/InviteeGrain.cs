
namespace Tollgate.Grains.Identity;

public sealed class InviteeState
{
    public List<InvitationPointer> Invitations { get; set; } = [];
}

[GrainType("invitee")]
public sealed class InviteeGrain([PersistentState("invitee", StorageNames.Default)] IPersistentState<InviteeState> invitee)
    : TollgateGrain, IInviteeGrain
{
    // Pointers to revoked or expired invitations are never cleaned up one by one; past this many the oldest go.
    private const int MaxKept = 100;

    public async Task Add(InvitationPointer invitation)
    {
        if (invitee.State.Invitations.Any(i => i.InvitationId == invitation.InvitationId)) return;
        invitee.State.Invitations.Add(invitation);
        if (invitee.State.Invitations.Count > MaxKept) invitee.State.Invitations.RemoveRange(0, invitee.State.Invitations.Count - MaxKept);
        await invitee.WriteStateAsync();
        // Read only when its person lists or answers invitations: an admin inviting many addresses
        // must not keep an activation per address for the collection age.
        DeactivateOnIdle();
    }

    public async Task Remove(string invitationId)
    {
        if (invitee.State.Invitations.RemoveAll(i => i.InvitationId == invitationId) > 0) await invitee.WriteStateAsync();
    }

    public Task<IReadOnlyList<InvitationPointer>> GetInvitations() =>
        Task.FromResult<IReadOnlyList<InvitationPointer>>(invitee.State.Invitations.Count > 0
            ? invitee.State.Invitations.ToList()
            : NothingHeld(new List<InvitationPointer>()));
}
