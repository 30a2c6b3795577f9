namespace Tollgate.Grains.Identity;

public sealed class EmailSkeletonState
{
    public string? Email { get; set; }
}

[GrainType("email-skeleton")]
public sealed class EmailSkeletonGrain([PersistentState("skeleton", StorageNames.Default)] IPersistentState<EmailSkeletonState> skeleton)
    : TollgateGrain, IEmailSkeletonGrain
{
    public async Task<bool> Claim(string email)
    {
        if (skeleton.State.Email is { } holder) return holder == email;
        skeleton.State.Email = email;
        await skeleton.WriteStateAsync();
        return true;
    }
}
