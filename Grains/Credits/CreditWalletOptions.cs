namespace Tollgate.Grains.Credits;

/// <summary>Bound from the <c>Credits</c> configuration section.</summary>
public sealed class CreditWalletOptions
{
    public const string SectionName = "Credits";

    /// <summary>
    /// How often a wallet with grants or holds that end looks for those that ended, to record them in its
    /// ledger. Answers never wait for it: every call leaves out what ended before it.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(10);
}
