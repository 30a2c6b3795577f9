namespace Tollgate.Grains.Identity;

public sealed class EmailSkeletonState
{
    /// <summary>The first verified email with this skeleton. (Before verification existed, "email" held the first registered one; it is ignored.)</summary>
    public string? Verified { get; set; }
}

[GrainType("email-skeleton")]
public sealed class EmailSkeletonGrain([PersistentState("skeleton", StorageNames.Default)] IPersistentState<EmailSkeletonState> skeleton)
    : TollgateGrain, IEmailSkeletonGrain
{
    public Task<bool> IsHeldByAnother(string email)
    {
        if (skeleton.State.Verified is null) DeactivateOnIdle(); // holds nothing: a registration's look-up leaves no activation behind
        return Task.FromResult(skeleton.State.Verified is { } holder && holder != email);
    }

    public async Task<bool> Claim(string email)
    {
        if (skeleton.State.Verified is { } holder) return holder == email;
        skeleton.State.Verified = email;
        await skeleton.WriteStateAsync();
        return true;
    }
}
