using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Tests.Identity;

public sealed class ApiKeyLastUseTests
{
    private static readonly DateTimeOffset Stored = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_keys_first_use_is_stored_at_once() => Assert.True(ApiKeyLastUse.ShouldStore(null, Stored));

    [Theory]
    [InlineData(30)] // the next revalidation by a silo
    [InlineData(59 * 60)]
    public void Revalidations_within_the_hour_after_the_stored_use_store_nothing(int secondsLater) =>
        Assert.False(ApiKeyLastUse.ShouldStore(Stored, Stored.AddSeconds(secondsLater)));

    [Fact]
    public void A_use_an_hour_after_the_stored_one_is_stored() => Assert.True(ApiKeyLastUse.ShouldStore(Stored, Stored.AddHours(1)));
}
