namespace Tollgate.Grains.Identity;

/// <summary>A refresh token handed to a client: "{sessionId}.{secret}".</summary>
[GenerateSerializer, Immutable, Alias("tollgate.RefreshToken")]
public sealed record RefreshToken(string SessionId, string Secret)
{
    public override string ToString() => $"{SessionId}.{Secret}";

    public static RefreshToken? Parse(string? token)
    {
        var dot = token?.IndexOf('.') ?? -1;
        return dot > 0 && dot < token!.Length - 1 ? new RefreshToken(token[..dot], token[(dot + 1)..]) : null;
    }
}
