using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Tests;

public sealed class UnclaimedEmailFailuresTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_email_takes_back_what_it_kept_once()
    {
        var failures = new UnclaimedEmailFailures();
        failures.Keep("a@example.com", [Now.AddMinutes(-1), Now], windowStart: Now.AddMinutes(-15));

        Assert.Equal(new[] { Now.AddMinutes(-1), Now }, failures.Take("a@example.com"));
        Assert.Empty(failures.Take("a@example.com"));
        Assert.Empty(failures.Take("b@example.com"));
    }

    [Fact]
    public void A_full_table_lets_expired_emails_go_first_and_never_grows_past_its_capacity()
    {
        var failures = new UnclaimedEmailFailures();
        failures.Keep("young@example.com", [Now.AddMinutes(-1)], windowStart: Now.AddMinutes(-15));
        for (var i = 1; i < UnclaimedEmailFailures.Capacity; i++)
            failures.Keep($"old-{i}@example.com", [Now.AddMinutes(-20)], windowStart: Now.AddMinutes(-15));
        Assert.Equal(UnclaimedEmailFailures.Capacity, failures.Count);

        failures.Keep("new@example.com", [Now], windowStart: Now.AddMinutes(-15));

        Assert.Equal(2, failures.Count); // every entry past the window went
        Assert.Single(failures.Take("young@example.com"));
        Assert.Single(failures.Take("new@example.com"));
    }

    [Fact]
    public void A_table_full_of_young_failures_drops_a_tenth_of_them()
    {
        var failures = new UnclaimedEmailFailures();
        for (var i = 0; i < UnclaimedEmailFailures.Capacity; i++)
            failures.Keep($"young-{i}@example.com", [Now], windowStart: Now.AddMinutes(-15));

        failures.Keep("new@example.com", [Now], windowStart: Now.AddMinutes(-15));

        Assert.Equal(UnclaimedEmailFailures.Capacity * 9 / 10 + 1, failures.Count);
        Assert.Single(failures.Take("new@example.com"));
    }
}
