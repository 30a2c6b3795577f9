using Tollgate.Grains.Alerts;

namespace Tollgate.Grains.Tests.Alerts;

public sealed class ThresholdAlertsTests
{
    private static readonly ThresholdAlerts Default = ThresholdAlerts.Percents([80, 100], limit: 1_000);

    [Theory]
    [InlineData(80, 1_000, 800)]
    [InlineData(80, 7, 6)]      // 5.6 rounds up: 5 of 7 is 71 %
    [InlineData(100, 7, 7)]
    [InlineData(1, 10, 1)]
    [InlineData(100, 0, 1)]    // a limit of 0 is exhausted by anything used, never by nothing
    [InlineData(1, 1, 1)]
    [InlineData(100, long.MaxValue, long.MaxValue)]
    [InlineData(99, long.MaxValue, 9_131_138_316_486_228_049)] // no overflow on the way
    public void A_percent_is_reached_at_the_least_amount_that_is_at_least_that_share_of_the_limit(long percent, long limit, long mark) =>
        Assert.Equal(mark, ThresholdAlerts.PercentMark(percent, limit));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(799, 0)]
    [InlineData(800, 80)]
    [InlineData(999, 80)]
    [InlineData(1_000, 100)]
    [InlineData(5_000, 100)] // over the limit after it was lowered
    public void The_level_reached_is_the_highest_whose_mark_the_value_is_at(long used, long level) =>
        Assert.Equal(level, Default.Reached(used));

    [Fact]
    public void Crossing_a_level_upward_raises_it_once_and_staying_over_it_changes_nothing()
    {
        Assert.Equal(new ThresholdCrossing(ThresholdChange.None, 0, 0), Default.Cross(799, alerted: 0));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Raised, 80, 80), Default.Cross(800, alerted: 0));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.None, 80, 80), Default.Cross(950, alerted: 80));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Raised, 100, 100), Default.Cross(1_000, alerted: 80));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.None, 100, 100), Default.Cross(1_000, alerted: 100));
    }

    [Fact]
    public void A_value_passing_several_levels_at_once_raises_only_the_highest() =>
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Raised, 100, 100), Default.Cross(1_000, alerted: 0));

    [Fact]
    public void Falling_back_under_the_alerted_level_resolves_it_once_and_keeps_the_levels_still_reached()
    {
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Resolved, 100, 80), Default.Cross(900, alerted: 100));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.None, 80, 80), Default.Cross(850, alerted: 80));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Resolved, 80, 0), Default.Cross(10, alerted: 80));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Resolved, 100, 0), Default.Cross(0, alerted: 100)); // a window reset: one event
        Assert.Equal(new ThresholdCrossing(ThresholdChange.None, 0, 0), Default.Cross(0, alerted: 0));
    }

    [Fact]
    public void A_larger_limit_moves_the_marks_so_the_same_use_resolves()
    {
        var larger = ThresholdAlerts.Percents([80, 100], limit: 2_000);
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Resolved, 100, 0), larger.Cross(1_000, alerted: 100));
        var smaller = ThresholdAlerts.Percents([80, 100], limit: 500);
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Raised, 100, 100), smaller.Cross(800, alerted: 80));
    }

    [Fact]
    public void A_level_alerted_before_the_levels_changed_resolves_by_its_own_mark()
    {
        var changed = ThresholdAlerts.Percents([50, 90], limit: 1_000);
        Assert.Equal(new ThresholdCrossing(ThresholdChange.None, 80, 80), changed.Cross(850, alerted: 80));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Raised, 90, 90), changed.Cross(900, alerted: 80));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Resolved, 80, 50), changed.Cross(700, alerted: 80));
        var none = ThresholdAlerts.Percents([], limit: 1_000);
        Assert.Equal(new ThresholdCrossing(ThresholdChange.None, 80, 80), none.Cross(1_000, alerted: 80));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Resolved, 80, 0), none.Cross(799, alerted: 80));
    }

    [Fact]
    public void Nothing_used_of_a_limit_of_0_alerts_nothing_and_anything_used_of_it_is_exhausted()
    {
        var zero = ThresholdAlerts.Percents([80, 100], limit: 0);
        Assert.Equal(ThresholdChange.None, zero.Cross(0, alerted: 0).Change);
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Raised, 100, 100), zero.Cross(1, alerted: 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(80)]
    [InlineData(100)]
    public void Within_the_quiet_band_nothing_changes_and_just_outside_it_something_does(long alerted)
    {
        var (from, below) = Default.Quiet(alerted);
        foreach (var value in new[] { 0L, 1, 799, 800, 801, 999, 1_000, 1_001, long.MaxValue - 1 }.Where(v => v >= from && v < below))
            Assert.Equal(ThresholdChange.None, Default.Cross(value, alerted).Change);
        if (from != long.MinValue) Assert.NotEqual(ThresholdChange.None, Default.Cross(from - 1, alerted).Change);
        if (below != long.MaxValue) Assert.NotEqual(ThresholdChange.None, Default.Cross(below, alerted).Change);
        Assert.Equal(alerted == 100 ? (1_000, long.MaxValue) : alerted == 80 ? (800, 1_000) : (long.MinValue, 800), (from, below));
    }

    [Fact]
    public void An_absolute_threshold_works_the_same_way_on_a_value_that_grows_as_the_balance_falls()
    {
        // "Under 50 credits" as a value that rises as the balance falls: the shortfall under 50, reached at 1.
        var low = new ThresholdAlerts([50], level => 1);
        Assert.Equal(ThresholdChange.None, low.Cross(50 - 60, alerted: 0).Change);
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Raised, 50, 50), low.Cross(50 - 49, alerted: 0));
        Assert.Equal(new ThresholdCrossing(ThresholdChange.Resolved, 50, 0), low.Cross(50 - 50, alerted: 50));
    }
}
