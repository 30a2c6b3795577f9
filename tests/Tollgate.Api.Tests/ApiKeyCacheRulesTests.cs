using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tollgate.Api.Auth;
using Tollgate.Api.Extensions;
using Tollgate.Grains.Identity;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>The silo's API-key cache on its own: what it keeps, for how long, and how much.</summary>
public sealed class ApiKeyCacheRulesTests
{
    private readonly OffsetTimeProvider _clock = new();

    private ApiKeyCache Cache(int maxEntries = 100) =>
        new(Options.Create(new ApiKeyCacheOptions { RevalidateAfter = TimeSpan.FromSeconds(30), MaxEntries = maxEntries }), _clock);

    private static AuthenticatedApiKey Key(string keyId, DateTimeOffset? expiresAt = null) =>
        new(new ApiKeyIdentity("tenant", keyId, ["quota:read"]), expiresAt);

    [Fact]
    public void A_key_is_trusted_until_revalidation_is_due_then_asked_of_its_grain_again()
    {
        var cache = Cache();
        cache.Add("hash", Key("k1"), cache.Version);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("k1", cache.Find("hash", out _)?.KeyId);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(cache.Find("hash", out var expired));
        Assert.False(expired);
    }

    [Fact]
    public void An_expired_key_is_refused_outright()
    {
        var cache = Cache();
        cache.Add("hash", Key("k1", _clock.GetUtcNow().AddSeconds(10)), cache.Version);

        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(cache.Find("hash", out var expired));
        Assert.True(expired);
    }

    [Fact]
    public void An_answer_that_crossed_a_revocation_is_not_kept()
    {
        var cache = Cache();
        var version = cache.Version; // read before the grain is asked
        cache.Forget("hash"); // the revocation arrives while the grain's (older) answer is on its way

        cache.Add("hash", Key("k1"), version);

        Assert.Null(cache.Find("hash", out _));
    }

    [Fact]
    public void A_full_cache_keeps_what_it_has_and_takes_no_more_until_a_sweep_frees_room()
    {
        var cache = Cache(maxEntries: 2);
        cache.Add("a", Key("a"), cache.Version);
        cache.Add("b", Key("b"), cache.Version);
        cache.Add("c", Key("c"), cache.Version);
        Assert.Equal(2, cache.Count);
        Assert.Null(cache.Find("c", out _));

        _clock.Advance(TimeSpan.FromSeconds(30));
        cache.Sweep();
        Assert.Equal(0, cache.Count);
        cache.Add("c", Key("c"), cache.Version);
        Assert.Equal("c", cache.Find("c", out _)?.KeyId);
    }

    [Theory]
    [InlineData("RevalidateAfter", "00:00:00")]
    [InlineData("RevalidateAfter", "01:00:01")]
    [InlineData("MaxEntries", "0")]
    public void Settings_out_of_range_are_refused_naming_their_key(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Auth:ApiKeyCache:{setting}"] = value }).Build();
        using var services = new ServiceCollection().AddApiKeyCache(configuration).BuildServiceProvider();

        var refusal = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ApiKeyCacheOptions>>().Value);

        Assert.Contains($"Auth:ApiKeyCache:{setting}", refusal.Message);
    }
}
