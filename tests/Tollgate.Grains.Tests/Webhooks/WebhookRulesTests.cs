using System.Text.Json;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Events;
using Tollgate.Grains.Webhooks;

namespace Tollgate.Grains.Tests.Webhooks;

/// <summary>Webhooks' rules without a silo: the retry schedule, when an endpoint is disabled, and which event a subscription change
/// is.</summary>
public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1), Cap = TimeSpan.FromHours(6);

    [Fact]
    public void Retries_wait_a_minute_doubling_up_to_the_cap_and_the_last_falls_three_days_after_the_first_attempt()
    {
        var at = T0;
        var waits = new List<TimeSpan>();
        for (var failed = 1; WebhookRetrySchedule.Next(failed, T0, at, Minute, Cap) is { } next; failed++)
        {
            waits.Add(next - at);
            at = next;
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256], waits.Take(9).Select(w => w.TotalMinutes));
        Assert.Equal(Cap, waits[9]);
        Assert.All(waits, w => Assert.True(w > TimeSpan.Zero && w <= Cap));
        Assert.Equal(T0.AddDays(3), at); // the last attempt, exactly at the end of the period; none after it
        Assert.Null(WebhookRetrySchedule.Next(1, T0, T0.AddDays(3), Minute, Cap));
    }

    [Fact]
    public void An_endpoint_is_disabled_by_a_failure_three_days_after_the_first_failure_since_its_last_success()
    {
        var (since, disable) = WebhookEndpointHealth.After(null, succeeded: false, T0);
        Assert.Equal((T0, false), (since, disable));
        Assert.Equal((T0, false), WebhookEndpointHealth.After(since, false, T0.AddDays(3).AddTicks(-1)));
        Assert.Equal((T0, true), WebhookEndpointHealth.After(since, false, T0.AddDays(3)));
        Assert.Equal((null, false), WebhookEndpointHealth.After(since, true, T0.AddDays(2))); // a success ends the streak
        Assert.Equal((T0, false), WebhookEndpointHealth.After(T0.AddHours(1), false, T0)); // reported late: the earliest counts
    }

    [Fact]
    public void A_subscription_change_is_the_event_its_action_and_statuses_say()
    {
        var active = Info(SubscriptionStatus.Active, T0.AddMonths(1));
        Assert.Equal(TenantEventTypes.SubscriptionCreated, SubscriptionEvents.TypeOf("subscription.started", null, active));
        Assert.Equal(TenantEventTypes.SubscriptionCreated, SubscriptionEvents.TypeOf("subscription.granted", active, active));
        Assert.Equal(TenantEventTypes.SubscriptionCanceled, SubscriptionEvents.TypeOf("subscription.canceled", active, active));
        Assert.Equal(TenantEventTypes.SubscriptionCanceled, SubscriptionEvents.TypeOf("subscription.trial_expired", active, active));
        Assert.Equal(TenantEventTypes.SubscriptionRenewed, SubscriptionEvents.TypeOf("subscription.renewed", active, active));
        Assert.Equal(TenantEventTypes.SubscriptionUpdated, SubscriptionEvents.TypeOf("subscription.cancel_scheduled", active, active));
        var pastDue = Info(SubscriptionStatus.PastDue, T0.AddMonths(1));
        Assert.Equal(TenantEventTypes.SubscriptionPastDue, SubscriptionEvents.TypeOf("subscription.synced", active, pastDue));
        Assert.Equal(TenantEventTypes.SubscriptionPastDue, SubscriptionEvents.TypeOf(SubscriptionEvents.InvoiceAction, active, pastDue));
        Assert.Equal(TenantEventTypes.SubscriptionUpdated, SubscriptionEvents.TypeOf("subscription.synced", pastDue, pastDue));
        Assert.Equal(TenantEventTypes.SubscriptionRenewed,
            SubscriptionEvents.TypeOf(SubscriptionEvents.InvoiceAction, pastDue, Info(SubscriptionStatus.Active, T0.AddMonths(2))));
        Assert.Null(SubscriptionEvents.TypeOf(SubscriptionEvents.InvoiceAction, active, active)); // a paid invoice that changed nothing
        Assert.Null(SubscriptionEvents.TypeOf("subscription.canceled", active, after: null));
    }

    [Fact]
    public void Invoice_events_carry_amounts_in_minor_units_and_the_subscription_event_its_plan_and_what_it_was()
    {
        var invoice = new ProviderInvoice("stripe", "in_1", "INV-1", "cus_1", "sub_1", "open", 2_000, 0, "usd", T0, T0.AddMonths(1),
            null, null, "subscription_cycle", 2, T0.AddDays(3), T0);
        Assert.Equal(TenantEventTypes.InvoicePaymentFailed, SubscriptionEvents.InvoiceTypeOf(PaymentOutcome.Failed));
        var data = JsonSerializer.SerializeToElement(SubscriptionEvents.InvoiceData(invoice, PaymentOutcome.Failed),
            JsonSerializerOptions.Web);
        Assert.Equal((2_000, 0, "usd", T0.AddDays(3)), (data.GetProperty("amountDue").GetInt64(), data.GetProperty("amountPaid").GetInt64(),
            data.GetProperty("currency").GetString(), data.GetProperty("nextPaymentAttempt").GetDateTimeOffset()));

        var changed = JsonSerializer.SerializeToElement(SubscriptionEvents.Data("subscription.synced", Info(SubscriptionStatus.Active, T0),
            Info(SubscriptionStatus.PastDue, T0)), JsonSerializerOptions.Web);
        Assert.Equal(("synced", "pro", "past_due", "active"), (changed.GetProperty("change").GetString(),
            changed.GetProperty("planId").GetString(),
            changed.GetProperty("status").GetString(), changed.GetProperty("previousStatus").GetString()));
    }

    private static SubscriptionInfo Info(SubscriptionStatus status, DateTimeOffset periodEnd) =>
        new("ten_1", "pro", 1, status, SubscriptionSource.Provider, T0, periodEnd.AddMonths(-1), periodEnd, null, false, null,
            new Dictionary<string, long>(), new Dictionary<string, JsonElement>(), null, null, false);
}
