namespace Tollgate.Bench.Analytics;

/// <summary>What the bench does to one tenant at one moment of its history.</summary>
public enum TenantStep { Subscribe, CatchUp, Cancel, BuyCredits, Refund }

/// <param name="PlanId">The plan to subscribe to (<see cref="TenantStep.Subscribe"/>).</param>
/// <param name="TrialDays">The trial a subscription starts with.</param>
/// <param name="AmountMinor">What credits cost, or what a refund gives back.</param>
/// <param name="PaymentId">The payment bought or refunded.</param>
public sealed record TenantEvent(DateTimeOffset At, string TenantId, TenantStep Step, string? PlanId = null, int TrialDays = 0,
    string? Currency = null, long AmountMinor = 0, string? PaymentId = null);

/// <summary>A plan of the bench's catalog.</summary>
public sealed record BenchPlan(string Id, long PriceMinor, string Currency, string Interval, int TrialDays = 0);

/// <summary>
/// A year of a business's history, the same on every run (seeded): tenants joining month after month on plans in two currencies,
/// some through a trial that converts or is cancelled, then upgrading, downgrading, cancelling and coming back, and buying
/// credits (a few refunded). Each tenant has at most one step a day, so a day's steps can run at once.
/// </summary>
public static class AnalyticsHistory
{
    public static readonly BenchPlan Starter = new("starter", 1_900, "USD", "month");
    public static readonly BenchPlan Team = new("team", 4_900, "USD", "month", TrialDays: 14);
    public static readonly BenchPlan Business = new("business", 99_000, "USD", "year");
    public static readonly BenchPlan EuTeam = new("eu-team", 4_500, "EUR", "month");
    public static readonly IReadOnlyList<BenchPlan> Plans = [Starter, Team, Business, EuTeam];

    /// <summary>The history of <paramref name="tenants"/> over <paramref name="months"/> months from
    /// <paramref name="firstMonth"/>, up to <paramref name="until"/> (now: the last month is so far).</summary>
    public static IReadOnlyList<TenantEvent> Generate(int tenants, DateOnly firstMonth, int months, DateTimeOffset until, int seed = 31)
    {
        var random = new Random(seed);
        var events = new List<TenantEvent>();
        var start = new DateTimeOffset(firstMonth.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = start.AddMonths(months) < until ? start.AddMonths(months) : until;
        for (var t = 0; t < tenants; t++)
        {
            var tenant = $"bench-{t:D5}";
            var busy = new HashSet<DateOnly>();
            // One step a day: a step that falls on a busy day moves to the next free one.
            void Add(DateTimeOffset at, TenantStep step, string? plan = null, int trial = 0, string? currency = null, long amount = 0,
                string? payment = null)
            {
                while (!busy.Add(DateOnly.FromDateTime(at.UtcDateTime))) at = at.AddDays(1);
                if (at < end) events.Add(new TenantEvent(at, tenant, step, plan, trial, currency, amount, payment));
            }

            // Joined in any month; one that would join after `until` (this month's rest) never appears.
            var joined = start.AddMonths(random.Next(months)).AddDays(random.Next(28)).AddHours(9 + random.Next(8));
            var plan = Pick(random, (Starter, 35), (Team, 25), (Business, 10), (EuTeam, 30));
            var at = joined;
            var paying = true;
            Add(at, TenantStep.Subscribe, plan.Id, plan.TrialDays);
            if (plan.TrialDays > 0)
            {
                // A trial ends converted, by the subscription catching up past its end, or cancelled while it runs.
                if (random.Next(100) < 30)
                {
                    Add(at.AddDays(1 + random.Next(plan.TrialDays - 1)), TenantStep.Cancel);
                    paying = false;
                }
                else Add(at.AddDays(plan.TrialDays + 1), TenantStep.CatchUp);
                at = at.AddDays(plan.TrialDays + 1);
            }
            for (var month = at.AddDays(28); month < end; month = month.AddDays(28 + random.Next(6)))
            {
                var roll = random.Next(100);
                if (!paying)
                {
                    if (roll < 4) (paying, plan) = (true, Pick(random, (Starter, 60), (EuTeam, 40)));
                    if (paying) Add(month, TenantStep.Subscribe, plan.Id);
                    continue;
                }
                if (roll < 30)
                {
                    var payment = $"pi_{tenant}_{month:yyyyMMdd}";
                    var amount = 500 * (1 + random.Next(10));
                    Add(month, TenantStep.BuyCredits, currency: plan.Currency, amount: amount, payment: payment);
                    if (random.Next(100) < 5)
                        Add(month.AddDays(3), TenantStep.Refund, currency: plan.Currency, amount: amount / 2, payment: payment);
                }
                else if (roll < 38 && (plan == Starter || plan == Team))
                    Add(month, TenantStep.Subscribe, (plan = plan == Starter ? Team : Business).Id);
                else if (roll < 43 && plan == Team) Add(month, TenantStep.Subscribe, (plan = Starter).Id);
                else if (roll < 46)
                {
                    Add(month, TenantStep.Cancel);
                    paying = false;
                }
                else Add(month, TenantStep.CatchUp); // a renewal, seen by the subscription catching up
            }
        }
        return [.. events.OrderBy(e => e.At)];
    }

    private static BenchPlan Pick(Random random, params (BenchPlan Plan, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (plan, weight) in choices)
        {
            if (roll < weight) return plan;
            roll -= weight;
        }
        throw new InvalidOperationException("The weights add up to more than the roll.");
    }
}
