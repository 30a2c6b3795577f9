using System.Text.Json;
using Tollgate.Grains.Analytics;

namespace Tollgate.Grains.Tests;

/// <summary>A month's leaders of a quota type: whole totals reported in any order, only the first few kept, refunds ranked honestly.
/// </summary>
public sealed class UsageLeadersTests
{
    private static UsageLeaders Leaders(int capacity = 3) => new(capacity, [], 0);

    private static TenantUsage Used(string tenant, long consumed, long refunded = 0) => new(tenant, consumed, refunded);

    private static string[] Names(IEnumerable<TenantUsage> tenants) => [.. tenants.Select(t => $"{t.TenantId}:{t.Used}")];

    [Fact]
    public void Tenants_rank_by_consumed_less_refunded_most_first_ties_by_tenant_id()
    {
        var leaders = Leaders(capacity: 5);
        leaders.Apply(Used("a", 10));
        leaders.Apply(Used("b", 30, 5));
        leaders.Apply(Used("d", 20));
        leaders.Apply(Used("c", 20));

        Assert.Equal(["b:25", "c:20", "d:20", "a:10"], Names(leaders.Top(10)));
        Assert.Equal(["b:25", "c:20"], Names(leaders.Top(2)));
    }

    [Fact]
    public void A_report_is_the_whole_total_so_a_repeated_or_late_one_changes_nothing()
    {
        var leaders = Leaders();
        Assert.True(leaders.Apply(Used("a", 10)));
        Assert.True(leaders.Apply(Used("a", 15, 2)));

        Assert.False(leaders.Apply(Used("a", 15, 2))); // repeated
        Assert.False(leaders.Apply(Used("a", 10))); // sent before the newer one, arriving after it
        Assert.Equal([Used("a", 15, 2)], leaders.Top(10));
    }

    [Fact]
    public void Only_the_first_few_are_kept_and_a_tenant_passing_the_least_kept_takes_its_place()
    {
        var leaders = Leaders(capacity: 3);
        foreach (var (tenant, used) in new[] { ("a", 10L), ("b", 20L), ("c", 30L) }) leaders.Apply(Used(tenant, used));

        Assert.False(leaders.Apply(Used("d", 10))); // no more than the least kept: left out, nothing written
        Assert.True(leaders.Apply(Used("d", 11)));

        Assert.Equal(["c:30", "b:20", "d:11"], Names(leaders.Kept));
        Assert.Equal(0, leaders.Floor); // totals only grew: the kept ones are the true leaders
        Assert.Equal(["c:30", "b:20", "d:11"], Names(leaders.Top(10)));
    }

    [Fact]
    public void A_refund_lowers_a_kept_tenants_total_and_its_rank()
    {
        var leaders = Leaders(capacity: 5);
        leaders.Apply(Used("a", 50));
        leaders.Apply(Used("b", 40));

        Assert.True(leaders.Apply(Used("a", 50, 15)));

        Assert.Equal(["b:40", "a:35"], Names(leaders.Top(10)));
    }

    [Fact]
    public void A_kept_tenant_refunded_below_tenants_left_out_is_not_ranked_above_them()
    {
        var leaders = Leaders(capacity: 3);
        foreach (var (tenant, used) in new[] { ("a", 30L), ("b", 20L), ("c", 10L), ("d", 5L) }) leaders.Apply(Used(tenant, used));

        // d (5) was left out; a falls to 2, below d, whose total is no longer known here.
        Assert.True(leaders.Apply(Used("a", 30, 28)));

        Assert.Equal(10, leaders.Floor); // no tenant left out used more than the least kept before the refund
        Assert.Equal(["b:20"], Names(leaders.Top(10))); // c (10) might tie d; a (2) might be passed by d
        Assert.Equal(["b:20", "c:10", "a:2"], Names(leaders.Kept));

        // d reports again: it is known once more, and ranks above a.
        Assert.True(leaders.Apply(Used("d", 6)));
        Assert.Equal(["b:20", "c:10", "d:6"], Names(leaders.Kept));
    }

    [Fact]
    public void A_tenant_with_nothing_used_is_not_ranked_and_one_refunded_to_nothing_leaves()
    {
        var leaders = Leaders();
        Assert.False(leaders.Apply(Used("a", 5, 5)));
        Assert.False(leaders.Apply(Used("b", 0, 3))); // refunds of last month's consumes: less than nothing this month
        leaders.Apply(Used("c", 4));

        Assert.True(leaders.Apply(Used("c", 4, 4)));

        Assert.Empty(leaders.Kept);
        Assert.Equal(0, leaders.Floor); // the list was not full: no tenant was ever left out
    }

    [Fact]
    public void What_a_leaders_grain_stores_reads_back_as_it_was()
    {
        var state = new TopUsageState { Tenants = [Used("a", 30, 2), Used("b", 20)], Floor = 7 };

        // As the grain storage writes plain JSON (web defaults): Used is written too, and read back from the totals.
        var json = JsonSerializer.Serialize(state, JsonSerializerOptions.Web);
        var read = JsonSerializer.Deserialize<TopUsageState>(json, JsonSerializerOptions.Web)!;

        Assert.Contains("\"used\":28", json);
        Assert.Equal(state.Tenants, read.Tenants);
        Assert.Equal(7, read.Floor);
    }
}
