namespace Tollgate.Grains.Credits;

/// <summary>Credits a spend or hold took from one grant, with what it takes to give them back to it.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.GrantShare")]
public sealed record GrantShare(long Grant, string Source, int Priority, DateTimeOffset? ExpiresAt, long Credits)
{
    public bool ExpiredAt(DateTimeOffset at) => ExpiresAt <= at;
}
