namespace Tollgate.Grains.Identity;

/// <summary>
/// The live secret of an emailed link, as a user keeps it: its hash only, until when it works, and how many
/// wrong secrets were tried against it. It works once; too many wrong tries end it too.
/// </summary>
public sealed class LinkSecret
{
    public const int MaxFailures = 5;

    public string Hash { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public int Failures { get; set; }

    public static LinkSecret For(LinkToken token, DateTimeOffset expiresAt) => new() { Hash = Secrets.Hash(token.Secret), ExpiresAt = expiresAt };

    public bool IsLive(DateTimeOffset now) => ExpiresAt > now && Failures < MaxFailures;

    public bool Matches(string secret) => Secrets.HashEquals(Hash, Secrets.Hash(secret));
}
