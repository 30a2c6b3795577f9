namespace Tollgate.Api.Auth;

/// <summary>Bound from <c>Auth:ApiKeyCache</c>: how each silo keeps the identities of the API keys it has seen.</summary>
public sealed class ApiKeyCacheOptions
{
    public const string SectionName = "Auth:ApiKeyCache";

    /// <summary>
    /// How long a silo trusts a key it authenticated before asking the key's grain again. Revocations reach
    /// every silo at once; this bounds how long a silo that missed one (starting, or cut off) goes on
    /// accepting the key. It is also how late a key's <c>lastUsedAt</c> may be.
    /// </summary>
    public TimeSpan RevalidateAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most keys a silo keeps; keys beyond it are authenticated by their grain on every request.</summary>
    public int MaxEntries { get; set; } = 100_000;
}
