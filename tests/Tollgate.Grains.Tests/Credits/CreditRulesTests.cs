using Tollgate.Grains.Credits;
using Tollgate.Grains.Events;

namespace Tollgate.Grains.Tests.Credits;

public sealed class CreditRulesTests
{
    private static GrantShare Share(long grant, long credits) => new(grant, CreditSources.Purchase, 0, null, credits);

    [Fact]
    public void Refunds_in_parts_give_back_the_last_credits_taken_first_and_add_up_to_the_whole()
    {
        List<GrantShare> shares = [Share(1, 5), Share(2, 3), Share(3, 4)];

        var first = CreditRules.Refunded(shares, gaveBack: 0, credits: 6);
        var second = CreditRules.Refunded(shares, gaveBack: 6, credits: 6);

        Assert.Equal([(3L, 4L), (2L, 2L)], first.Select(s => (s.Grant, s.Credits)));
        Assert.Equal([(2L, 1L), (1L, 5L)], second.Select(s => (s.Grant, s.Credits)));
    }

    [Fact]
    public void Split_takes_the_first_credits_and_leaves_the_rest_per_grant()
    {
        var (taken, rest) = CreditRules.Split([Share(1, 5), Share(2, 3)], 6);

        Assert.Equal([(1L, 5L), (2L, 1L)], taken.Select(s => (s.Grant, s.Credits)));
        Assert.Equal([(2L, 2L)], rest.Select(s => (s.Grant, s.Credits)));
    }

    [Fact]
    public void The_low_balance_alert_fires_once_per_crossing_and_resolves_once()
    {
        var state = new CreditWalletState { LowBalanceBelow = 100 };

        Assert.Null(CreditRules.LowBalanceEvent(state, 150));
        Assert.Equal(TenantEventTypes.CreditsLow, CreditRules.LowBalanceEvent(state, 99));
        Assert.Null(CreditRules.LowBalanceEvent(state, 50));
        Assert.Null(CreditRules.LowBalanceEvent(state, 0));
        Assert.Equal(TenantEventTypes.CreditsResolved, CreditRules.LowBalanceEvent(state, 100));
        Assert.Null(CreditRules.LowBalanceEvent(state, 500));
        Assert.Equal(TenantEventTypes.CreditsLow, CreditRules.LowBalanceEvent(state, 10));
    }

    [Fact]
    public void Without_a_threshold_there_is_no_alert_and_no_top_up()
    {
        var state = new CreditWalletState();

        Assert.Null(CreditRules.LowBalanceEvent(state, 0));
        Assert.False(CreditRules.WantsTopUp(state, 0));
        Assert.True(CreditRules.WantsTopUp(new CreditWalletState { AutoTopUpBelow = 10 }, 9));
        Assert.False(CreditRules.WantsTopUp(new CreditWalletState { AutoTopUpBelow = 10 }, 10));
    }
}
