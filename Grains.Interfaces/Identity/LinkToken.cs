using System.Text.RegularExpressions;

namespace Tollgate.Grains.Identity;

/// <summary>
/// The token of an emailed link: the user's id and a random secret, "usr_….secret". The id lets the link
/// reach its user with no index of tokens; only the secret's hash is stored (<c>LinkSecret</c>, in the grains).
/// </summary>
public sealed partial record LinkToken(string UserId, string Secret)
{
    public static LinkToken New(string userId) => new(userId, Secrets.RandomToken(32));

    public override string ToString() => $"{UserId}.{Secret}";

    /// <summary>Null unless the text has the token's form; checked before any grain is called.</summary>
    public static LinkToken? Parse(string? text) =>
        text is not null && TokenForm().Match(text) is { Success: true } match ? new(match.Groups[1].Value, match.Groups[2].Value) : null;

    [GeneratedRegex("^(usr_[0-9a-f]{32})\\.([A-Za-z0-9_-]{43})$")]
    private static partial Regex TokenForm();
}
