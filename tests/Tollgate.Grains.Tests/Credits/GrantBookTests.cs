using System.Diagnostics;
using Tollgate.Grains.Credits;

namespace Tollgate.Grains.Tests.Credits;

public sealed class GrantBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static GrantBook Empty() => new(new CreditWalletState());

    [Fact]
    public void Spends_take_the_highest_priority_then_the_soonest_expiry_then_the_oldest()
    {
        var book = Empty();
        var never = book.Add(CreditSources.Purchase, 0, null, 10);
        var later = book.Add(CreditSources.PlanRefill, 0, Now.AddDays(30), 10);
        var sooner = book.Add(CreditSources.Promotion, 0, Now.AddDays(7), 10);
        var older = book.Add(CreditSources.Purchase, 5, null, 10);
        var newer = book.Add(CreditSources.Purchase, 5, null, 10);

        var shares = book.Take(45);

        Assert.Equal([older.Number, newer.Number, sooner.Number, later.Number, never.Number], shares.Select(s => s.Grant));
        Assert.Equal([10L, 10, 10, 10, 5], shares.Select(s => s.Credits));
        Assert.Equal((5, 0, 5), (book.Balance, book.Held, book.Free));
        Assert.Equal([never.Id], book.InSpendOrder.Select(l => l.Id));
    }

    [Fact]
    public void A_grant_ends_at_its_expiry_instant_and_not_a_tick_before()
    {
        var book = Empty();
        var lot = book.Add(CreditSources.Promotion, 0, Now.AddHours(1), 30);
        book.Add(CreditSources.Purchase, 0, null, 5);
        book.Take(10);

        Assert.Null(book.EndDue(Now.AddHours(1).AddTicks(-1)));
        Assert.Equal(25, book.Balance);
        var ended = Assert.Single(book.EndDue(Now.AddHours(1))!);

        Assert.Equal((CreditLedger.Expiry, Now.AddHours(1), -20L, 5L, lot.Id), (ended.Kind, ended.At, ended.Credits, ended.BalanceAfter, ended.GrantId));
        Assert.Null(book.EndDue(Now.AddDays(1))); // once
        Assert.Equal(5, book.Balance);
    }

    [Fact]
    public void Ends_are_recorded_in_the_order_they_happened_with_the_balance_of_their_instant()
    {
        var book = Empty();
        book.Add(CreditSources.Purchase, 0, null, 100);
        book.Add(CreditSources.Promotion, 9, Now.AddMinutes(30), 10);
        var hold = book.AddHold("rsv_1", "chat/image", 1, 15, Now.AddMinutes(10)); // 10 of the promotion, 5 of the purchase
        book.Add(CreditSources.Promotion, 0, Now.AddMinutes(20), 7);

        var ended = book.EndDue(Now.AddHours(1))!;

        // At 10 min the hold ends: its promotion share goes back (it expires at 30 min), at 20 and 30 min the promotions expire.
        Assert.Equal([(CreditLedger.Release, Now.AddMinutes(10), 0L, 117L), (CreditLedger.Expiry, Now.AddMinutes(20), -7L, 110L),
            (CreditLedger.Expiry, Now.AddMinutes(30), -10L, 100L)], ended.Select(e => (e.Kind, e.At, e.Credits, e.BalanceAfter)));
        Assert.Equal(hold.Id, ended[0].ReservationId);
        Assert.Equal((100, 0), (book.Balance, book.Held));
    }

    [Fact]
    public void Held_credits_count_in_the_balance_but_are_not_free_and_settling_spends_at_most_what_is_held()
    {
        var book = Empty();
        book.Add(CreditSources.Purchase, 0, null, 50);
        var hold = book.AddHold("rsv_1", "chat/image", 10, 40, Now.AddHours(1));

        Assert.Equal((50, 40, 10), (book.Balance, book.Held, book.Free));
        Assert.Equal(40, hold.CreditsFor(11));
        Assert.Equal(12, hold.CreditsFor(3));
        var (spent, left) = book.EndHold(hold, hold.CreditsFor(3), Now);

        Assert.Equal(12, spent.Sum(s => s.Credits));
        Assert.Equal(12, left);
        Assert.Equal((38, 0, 38), (book.Balance, book.Held, book.Free));
        Assert.Null(book.Hold("rsv_1"));
    }

    [Fact]
    public void A_released_share_of_a_grant_that_expired_meanwhile_leaves_the_balance()
    {
        var book = Empty();
        book.Add(CreditSources.Promotion, 0, Now.AddMinutes(5), 20);
        var hold = book.AddHold("rsv_1", "chat/image", 1, 20, Now.AddHours(1));

        Assert.Null(book.EndDue(Now.AddMinutes(10))); // held credits stay held until the hold ends
        Assert.Equal((20, 20), (book.Balance, book.Held));
        var (_, left) = book.EndHold(hold, 0, Now.AddMinutes(10));

        Assert.Equal(20, left);
        Assert.Equal((0, 0), (book.Balance, book.Held));
    }

    [Fact]
    public void Giving_back_to_a_grant_spent_out_makes_it_again_in_its_place_in_spend_order()
    {
        var book = Empty();
        var first = book.Add(CreditSources.Purchase, 3, Now.AddDays(1), 10);
        book.Add(CreditSources.Purchase, 0, null, 10);
        var share = Assert.Single(book.Take(10));
        Assert.DoesNotContain(book.InSpendOrder, l => l.Number == first.Number);

        Assert.True(book.GiveBack(share, 4, Now));
        Assert.False(book.GiveBack(share, 6, Now.AddDays(1))); // expired by then: not returned

        var again = book.InSpendOrder.First();
        Assert.Equal((first.Id, 4L, 3, Now.AddDays(1)), (again.Id, again.Remaining, again.Priority, again.ExpiresAt));
        Assert.Equal(14, book.Balance);
    }

    [Fact]
    public void The_book_stores_and_loads_what_it_holds()
    {
        var book = Empty();
        book.Add(CreditSources.Purchase, 1, Now.AddDays(2), 10);
        book.Add(CreditSources.Promotion, 0, null, 5);
        book.AddHold("rsv_1", "chat/image", 2, 6, Now.AddHours(1));
        var state = new CreditWalletState();

        book.CopyTo(state);
        var loaded = new GrantBook(state);

        Assert.Equal((book.Balance, book.Held, book.Free, book.LastGrant), (loaded.Balance, loaded.Held, loaded.Free, loaded.LastGrant));
        Assert.Equal(book.InSpendOrder.Select(l => (l.Id, l.Remaining)), loaded.InSpendOrder.Select(l => (l.Id, l.Remaining)));
        Assert.Equal(Now.AddHours(1), loaded.NextEnd);
    }

    [Fact]
    public void A_spend_costs_no_more_with_a_thousand_live_grants_than_with_one()
    {
        // Decisions take from the first grant in order, never scanning: a thousand grants add O(log n), not O(n).
        static TimeSpan Time(int grants)
        {
            var book = Empty();
            for (var i = 0; i < grants; i++) book.Add(CreditSources.Promotion, i % 7, Now.AddDays(1 + i % 30), 1_000_000_000);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 200_000; i++)
            {
                var shares = book.Take(1);
                book.GiveBack(shares[0], 1, Now);
            }
            return clock.Elapsed;
        }

        Time(1); // warm up
        var one = Time(1);
        var thousand = Time(1_000);

        Assert.True(thousand < one * 10, $"1 grant: {one.TotalMilliseconds} ms, 1,000 grants: {thousand.TotalMilliseconds} ms");
    }
}
