namespace Tollgate.Grains.Identity;

[GenerateSerializer, Immutable, Alias("tollgate.RefreshResult")]
public abstract record RefreshResult
{
    [GenerateSerializer, Immutable, Alias("tollgate.RefreshResult.Rotated")]
    public sealed record Rotated(string UserId, RefreshToken Token) : RefreshResult;
    /// <summary>Unknown, expired, revoked, or a spent token replayed (which revokes the whole session).</summary>
    [GenerateSerializer, Immutable, Alias("tollgate.RefreshResult.Refused")]
    public sealed record Refused : RefreshResult;
}
