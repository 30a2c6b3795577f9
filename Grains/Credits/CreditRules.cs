namespace Tollgate.Grains.Credits;

/// <summary>The wallet's pure rules: how a hold or a refund divides its shares, and when the low-balance alert fires.</summary>
public static class CreditRules
{
    /// <summary>The first <paramref name="credits"/> of <paramref name="shares"/>, and the rest.</summary>
    public static (List<GrantShare> Taken, List<GrantShare> Others) Split(IReadOnlyList<GrantShare> shares, long credits)
    {
        var (taken, rest) = (new List<GrantShare>(), new List<GrantShare>());
        foreach (var share in shares)
        {
            var part = Math.Min(share.Credits, credits);
            credits -= part;
            if (part > 0) taken.Add(share with { Credits = part });
            if (share.Credits > part) rest.Add(share with { Credits = share.Credits - part });
        }
        return (taken, rest);
    }

    /// <summary>
    /// What refunding <paramref name="credits"/> of a spend gives back to each grant, after refunds gave
    /// back <paramref name="gaveBack"/>: the last credits taken come back first, so that what a spend took
    /// from the grants it prefers least returns first and its refunds in parts add up to one in full.
    /// </summary>
    public static List<GrantShare> Refunded(IReadOnlyList<GrantShare> shares, long gaveBack, long credits)
    {
        var portions = new List<GrantShare>();
        for (var i = shares.Count - 1; i >= 0 && credits > 0; i--)
        {
            var share = shares[i];
            var skipped = Math.Min(share.Credits, gaveBack);
            gaveBack -= skipped;
            var part = Math.Min(share.Credits - skipped, credits);
            credits -= part;
            if (part > 0) portions.Add(share with { Credits = part });
        }
        return portions;
    }

    /// <summary>
    /// The low-balance event the available balance calls for, if any: <c>credits.low</c> when it is under
    /// the threshold and not yet told, <c>credits.resolved</c> when it is back at or over it after being told.
    /// Flips <see cref="CreditWalletState.LowAlerted"/> so that one crossing tells once.
    /// </summary>
    public static string? LowBalanceEvent(CreditWalletState state, long available)
    {
        var low = state.LowBalanceBelow is { } below && available < below;
        if (low == state.LowAlerted) return null;
        state.LowAlerted = low;
        return low ? Events.TenantEventTypes.CreditsLow : Events.TenantEventTypes.CreditsResolved;
    }

    /// <summary>Whether a spend leaving <paramref name="available"/> should ask for an automatic top-up.</summary>
    public static bool WantsTopUp(CreditWalletState state, long available) => state.AutoTopUpBelow is { } below && available < below;
}
