using Tollgate.Grains.Billing;
using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Tests.Quotas;

public sealed class QuotaRulesTests
{
    private static readonly DateTimeOffset Anchor = new(2026, 11, 15, 8, 0, 0, TimeSpan.Zero);
    private static readonly QuotaEntitlement Monthly = new(true, 100, QuotaWindow.Monthly, Anchor);

    [Fact]
    public void A_new_window_starts_empty_and_the_same_window_keeps_what_was_used()
    {
        var state = new QuotaCounterState();
        QuotaRules.Roll(state, Monthly, Anchor.AddDays(3));
        state.Used = 60;

        QuotaRules.Roll(state, Monthly, Anchor.AddDays(20));
        Assert.Equal(60, state.Used);
        QuotaRules.Roll(state, Monthly, Anchor.AddMonths(1).AddHours(1));
        Assert.Equal(0, state.Used);
        Assert.Equal(Anchor.AddMonths(1), state.WindowStart);
    }

    [Theory]
    [InlineData(0, 100, true)]
    [InlineData(60, 40, true)]
    [InlineData(60, 41, false)]
    [InlineData(0, long.MaxValue, false)]
    public void A_consume_is_allowed_exactly_when_it_fits_what_remains(long used, long amount, bool allowed) =>
        Assert.Equal(allowed, QuotaRules.Allows(new QuotaCounterState { Used = used }, Monthly, amount));

    [Theory]
    [InlineData(10, 0, 10, null)]
    [InlineData(10, 4, 6, null)]
    [InlineData(10, 4, 7, RefundOutcome.ExceedsConsume)]
    [InlineData(10, 10, 1, RefundOutcome.AlreadyRefunded)]
    public void Refunds_of_a_consume_give_back_at_most_its_amount(long amount, long gaveBack, long refund, RefundOutcome? refused)
    {
        var state = new QuotaCounterState { WindowStart = Anchor, Used = amount };
        var consume = new KeyedConsume(Anchor.AddDays(1), amount, true, null, Anchor, false, GaveBack: gaveBack);

        Assert.Equal(refused, QuotaRules.Refusal(consume, state, refund));
    }

    [Fact]
    public void A_consume_of_an_ended_window_is_not_refunded_but_one_refunded_in_full_says_so_first()
    {
        var state = new QuotaCounterState { WindowStart = Anchor.AddMonths(1) };

        Assert.Equal(RefundOutcome.WindowReset, QuotaRules.Refusal(new KeyedConsume(Anchor, 10, true, null, Anchor, false), state, 1));
        Assert.Equal(RefundOutcome.AlreadyRefunded,
            QuotaRules.Refusal(new KeyedConsume(Anchor, 10, true, null, Anchor, false, GaveBack: 10), state, 1));
    }
}
