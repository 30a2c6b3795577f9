using Tollgate.AspNetCore;

namespace Tollgate.Sdk.Tests;

/// <summary>The Idempotency-Key a guard sends to Tollgate for an incoming request.</summary>
public sealed class MiddlewareKeyTests
{
    private static readonly RequireQuotaAttribute s_guard = new("app/calls");

    [Fact]
    public void The_callers_key_is_kept_prefixed_with_the_guard()
    {
        Assert.Equal("mw:app/calls:abc-123", TollgateMiddleware.IdempotencyKey(s_guard, "abc-123"));
        Assert.Equal("mw:app/render:abc-123", TollgateMiddleware.IdempotencyKey(new RequireCreditsAttribute("app/render"), "abc-123"));
    }

    [Fact]
    public void Without_a_callers_key_each_request_gets_its_own()
    {
        var first = TollgateMiddleware.IdempotencyKey(s_guard, null);
        Assert.StartsWith("mw:app/calls:", first);
        Assert.NotEqual(first, TollgateMiddleware.IdempotencyKey(s_guard, ""));
    }

    [Fact]
    public void A_key_too_long_for_tollgate_is_hashed_the_same_way_each_time()
    {
        var longKey = new string('k', 300);
        var key = TollgateMiddleware.IdempotencyKey(s_guard, longKey);
        Assert.True(key.Length <= 255);
        Assert.Equal(key, TollgateMiddleware.IdempotencyKey(s_guard, longKey));
        Assert.NotEqual(key, TollgateMiddleware.IdempotencyKey(s_guard, longKey + "x"));
    }
}
