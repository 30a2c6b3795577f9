namespace Tollgate.Grains.Billing;

public sealed class IdempotencyKeyState
{
    public KeptAnswer? Kept { get; set; }
}

[GrainType("idempotency-key")]
public sealed class IdempotencyKeyGrain([PersistentState("key", StorageNames.Default)] IPersistentState<IdempotencyKeyState> key)
    : TollgateGrain, IIdempotencyKeyGrain
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    // A key with no answer yet holds nothing: the request it came with may still be refused (an unknown
    // plan, say), and Keep activates it again when it is not.
    public Task<KeptAnswer?> Get() => Task.FromResult(Current() ?? NothingHeld<KeptAnswer?>(null));

    public async Task<KeptAnswer> Keep(string fingerprint, string body)
    {
        if (Current() is { } kept) return kept;
        var answer = new KeptAnswer(fingerprint, body, TimeProvider.GetUtcNow());
        key.State.Kept = answer;
        await key.WriteStateAsync();
        return answer;
    }

    private KeptAnswer? Current() => key.State.Kept is { } kept && kept.At > TimeProvider.GetUtcNow() - Retention ? kept : null;
}
