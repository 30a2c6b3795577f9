using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Orders;

/// <summary>
/// One order. Not reentrant: notifications, polls, the expiry reminder and refunds are taken one at a time, so a payment is
/// recorded once and fulfilled once whichever report comes first. Each change is stored with its audit record, its entry in the
/// tenant's order list and (for a payment) its payment record before the caller is answered; a provider is called only after the
/// change that leads to the call is stored, so a crash in between repeats the call under the same ids.
/// </summary>
[GrainType("order")]
public sealed partial class OrderGrain(
    [PersistentState("order", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<OrderState>> store,
    IStateEntryReader entries,
    IOptions<OrderOptions> options,
    ILogger<OrderGrain> logger)
    : RecordingGrain, IOrderGrain, IStateShownOnDashboard
{
    private const string ReminderName = "expiry";

    /// <summary>A polled pending order asks the provider at most this often.</summary>
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(5);

    private readonly StateWithRecords<OrderState> _order = new(store, entries);
    private DateTimeOffset? _lastQueryAt;

    private protected override IOwnedByGrain Recorded => _order;

    private OrderState State => _order.State;
    private string OrderId => this.GetPrimaryKeyString();

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);

    public async Task<OrderResult> Create(NewOrder order, AuditActor actor)
    {
        if (_order.RecordExists)
        {
            if (State.TenantId != order.TenantId || State.Fingerprint != order.Fingerprint)
                return OrderResult.Fail(OrderOutcome.KeyReused, "The Idempotency-Key was used with a different request.");
            // A trade that could not be started before is started now: the same request, repeated.
            if (State is { Status: OrderStatus.Pending, PayUrl: null, CodeUrl: null }) return await StartAsync(actor, replayed: true);
            if (State.CloseReason == "provider_refused")
                return OrderResult.Fail(OrderOutcome.ProviderRefused, "The payment provider refused the order.");
            return new(OrderOutcome.Ok, Info(), Replayed: true);
        }

        var price = OrderPricing.Price(await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).Get(), order.Item);
        if (price.Outcome != OrderOutcome.Ok) return NothingHeld(OrderResult.Fail(price.Outcome, price.Detail!));
        if (order.Item.IsPlan
            && await GrainFactory.GetGrain<ISubscriptionGrain>(order.TenantId).Get() is
            {
                Source: SubscriptionSource.Provider,
                ProviderSubscription: { } paid
            })
            return NothingHeld(OrderResult.Fail(OrderOutcome.AlreadySubscribed,
                $"The tenant pays for its plan through {paid.Provider} (subscription {paid.SubscriptionId}): prepaid periods would run "
                + "beside it. Cancel that subscription first."));

        var now = TimeProvider.GetUtcNow();
        State.TenantId = order.TenantId;
        State.Provider = order.Provider;
        State.Channel = order.Channel;
        (State.PlanId, State.Periods, State.PackId) = (order.Item.PlanId, order.Item.IsPlan ? order.Item.Periods : 0, order.Item.PackId);
        (State.AmountMinor, State.Currency, State.Subject, State.Credits) =
            (price.AmountMinor, OrderPricing.Currency, price.Subject, price.Credits);
        (State.Status, State.CreatedAt, State.ExpiresAt, State.Fingerprint) =
            (OrderStatus.Pending, now, now + order.Ttl, order.Fingerprint);
        // Stored before the provider is called, with the reminder that closes it even if nothing else ever happens.
        await WriteAsync(actor, "order.created");
        await AimReminderAsync();
        return await StartAsync(actor, replayed: false);
    }

    public Task<OrderInfo?> Get(string? tenantId) => Task.FromResult(Mine(tenantId) ? Info() : Nothing());

    public async Task<OrderInfo?> Poll(string tenantId)
    {
        if (!Mine(tenantId)) return Nothing();
        await CatchUpAsync();
        var now = TimeProvider.GetUtcNow();
        if (State.Status == OrderStatus.Pending && (_lastQueryAt is not { } last || now - last >= s_pollInterval))
        {
            _lastQueryAt = now;
            await QueryAsync(AuditActor.System);
        }
        return Info();
    }

    public async Task<NoticeResult> Notify(OrderNotice notice, AuditActor actor)
    {
        if (!_order.RecordExists || notice.Provider != State.Provider)
            return NothingHeld(new NoticeResult(NoticeOutcome.Refused, "unknown_order"));
        switch (notice.Kind)
        {
            case OrderNoticeKind.Paid:
                if (State.Mismatch(notice.AmountMinor, notice.Currency) is { } mismatch)
                {
                    await RefuseAsync(actor, mismatch, notice);
                    return new(NoticeOutcome.Refused, mismatch);
                }
                await PaidAsync(notice.ProviderTradeNo, notice.AmountMinor, notice.OccurredAt, actor);
                // A fulfilment that fails throws to the provider, which sends the notification again; the reminder retries too.
                if (State.NeedsFulfilment) await FulfilAsync(actor);
                return new(NoticeOutcome.Applied);
            case OrderNoticeKind.Closed:
                if (State.Status == OrderStatus.Pending)
                {
                    State.Close("closed_by_provider", TimeProvider.GetUtcNow());
                    await WriteAsync(actor, "order.closed");
                    await UnregisterReminderIfAnyAsync();
                }
                return new(NoticeOutcome.Applied);
            default:
                if (notice.RefundId is not { } refundId || State.Refunds.All(r => r.Id != refundId))
                {
                    await RefuseAsync(actor, "unknown_refund", notice);
                    return new(NoticeOutcome.Refused, "unknown_refund");
                }
                var status = notice.Kind == OrderNoticeKind.Refunded ? RefundStatus.Succeeded : RefundStatus.Failed;
                if (State.CompleteRefund(refundId, status, null, notice.OccurredAt, status == RefundStatus.Failed ? "refund_failed" : null))
                    await WriteAsync(actor, status == RefundStatus.Succeeded ? "order.refunded" : "order.refund_failed");
                return new(NoticeOutcome.Applied);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CatchUpAsync();

    /// <summary>
    /// What time has decided: at expiry a pending order asks the provider once more, then closes the trade; a payment recorded but not
    /// yet applied is applied. The reminder goes once nothing is left to do.
    /// </summary>
    private async Task CatchUpAsync()
    {
        if (!_order.RecordExists) return;
        if (State.IsExpired(TimeProvider.GetUtcNow()))
        {
            if (!await QueryAsync(AuditActor.System)) return; // the reminder asks again
            if (State.Status == OrderStatus.Pending)
            {
                var closed = await Providers.CloseAsync(State.Provider, OrderId, CancellationToken.None);
                if (closed.Failure is { Transient: true } failure)
                {
                    logger.LogWarning("Order {OrderId}: {Provider} could not close the trade ({Code}); the reminder tries again", OrderId,
                        State.Provider, failure.Code);
                    return;
                }
                State.Close("expired", TimeProvider.GetUtcNow());
                await WriteAsync(AuditActor.System, "order.closed");
            }
        }
        await TryFulfilAsync(AuditActor.System);
        await DeliverRevenueAsync();
        if (State.Status != OrderStatus.Pending && !State.NeedsFulfilment && State.PendingRevenue.Count == 0)
            await UnregisterReminderIfAnyAsync();
    }

    /// <summary>Asks the provider about the trade and applies what it says. False when the provider could not answer.</summary>
    private async Task<bool> QueryAsync(AuditActor actor)
    {
        var answer = await Providers.QueryAsync(State.Provider, OrderId, CancellationToken.None);
        if (answer.Value is not { } trade)
        {
            logger.LogWarning("Order {OrderId}: {Provider} query failed: {Code} {Message}", OrderId, State.Provider, answer.Failure?.Code,
                answer.Failure?.Message);
            return false;
        }
        switch (trade.State)
        {
            case OrderTradeState.Paid or OrderTradeState.Refunded:
                if (State.Mismatch(trade.AmountMinor ?? 0, trade.Currency ?? State.Currency) is { } mismatch)
                {
                    logger.LogWarning("Order {OrderId}: {Provider} reports a payment that does not match the order ({Mismatch})", OrderId,
                        State.Provider, mismatch);
                    return true;
                }
                await PaidAsync(trade.ProviderTradeNo, trade.AmountMinor!.Value, trade.PaidAt ?? TimeProvider.GetUtcNow(), actor);
                await TryFulfilAsync(actor);
                return true;
            case OrderTradeState.Closed when State.Status == OrderStatus.Pending:
                State.Close("closed_by_provider", TimeProvider.GetUtcNow());
                await WriteAsync(actor, "order.closed");
                return true;
            default:
                return true;
        }
    }

    /// <summary>Starts the stored order's trade. A provider that refuses it for good closes the order; one that cannot be reached
    /// leaves it pending without a link, for the same request to try again.</summary>
    private async Task<OrderResult> StartAsync(AuditActor actor, bool replayed)
    {
        var answer = await Providers.StartAsync(new OrderStartCall(State.Provider, OrderId, State.Subject, State.AmountMinor,
            State.Currency, State.ExpiresAt, State.Channel), CancellationToken.None);
        if (answer.Value is { } link)
        {
            (State.PayUrl, State.CodeUrl) = (link.PayUrl, link.CodeUrl);
            await WriteAsync(actor, "order.started");
            return new(OrderOutcome.Ok, Info(), Replayed: replayed);
        }
        var failure = answer.Failure!;
        if (failure.Transient) return OrderResult.Fail(OrderOutcome.ProviderUnavailable, failure.Message, failure.Code);
        State.Close("provider_refused", TimeProvider.GetUtcNow());
        await WriteAsync(actor, "order.closed", new { providerCode = failure.Code, failure.Message });
        await UnregisterReminderIfAnyAsync();
        return OrderResult.Fail(OrderOutcome.ProviderRefused, failure.Message, failure.Code);
    }

    /// <summary>Audits a notification about this order that changes nothing, in the tenant's log.</summary>
    private Task RefuseAsync(AuditActor actor, string reason, OrderNotice notice) =>
        _order.WriteStateAsync([AuditJournal.Record(actor, TimeProvider.GetUtcNow(), State.TenantId, "payment.notification_refused",
            "order", OrderId, after: new { reason, notice.Provider, kind = WireNames.Of(notice.Kind), notice.AmountMinor,
                notice.Currency, notice.ProviderTradeNo, notice.RefundId, orderAmountMinor = State.AmountMinor })]);

    /// <summary>Stores the change with its audit record and the order's new entry in the tenant's order list.</summary>
    /// <remarks>What the change paid or refunded is stored with it for revenue analytics, then delivered
    /// (<see cref="RevenueDelivery"/>).</remarks>
    private async Task WriteAsync(AuditActor actor, string action, object? detail = null)
    {
        var now = TimeProvider.GetUtcNow();
        var info = Info();
        _order.Record(State.PendingRevenue, State.CountRevenue(OrderId), now);
        await _order.WriteStateAsync([
            AuditJournal.Record(actor, now, State.TenantId, action, "order", OrderId, before: detail, after: OrderSummary(info)),
            new JournalRecord(OrdersJournal.Stream, State.TenantId, OrderId, now,
                System.Text.Json.JsonSerializer.Serialize(info, BillingJournal.Json)),
        ]);
        await DeliverRevenueAsync();
    }

    /// <summary>Hands the stored revenue movements to their month grains; what fails stays stored, for the reminder.</summary>
    private async Task DeliverRevenueAsync()
    {
        try
        {
            if (await RevenueDelivery.DeliverAsync(GrainFactory, State.PendingRevenue)) await _order.WriteStateAsync();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            logger.LogWarning(failure, "Revenue movements of order {OrderId} not delivered yet; retried", OrderId);
            var period = options.Value.ReminderPeriod;
            await this.RegisterOrUpdateReminder(ReminderName, period, period);
        }
    }

    private static object OrderSummary(OrderInfo order) => new
    {
        order.Provider, order.Item.PlanId, order.Item.Periods, order.Item.PackId, order.AmountMinor, order.Currency,
        status = WireNames.Of(order.Status), order.ExpiresAt, order.ProviderTradeNo, order.PaidAt, order.CloseReason, order.Fulfilled,
        order.RefundDue, order.RefundedMinor,
    };

    private async Task AimReminderAsync()
    {
        // No longer than its period: the grain's clock may not be the reminders' clock.
        var period = options.Value.ReminderPeriod;
        await this.RegisterOrUpdateReminder(ReminderName,
            SubscriptionRules.DueIn(State.ExpiresAt, TimeProvider.GetUtcNow(), period), period);
    }

    private async Task UnregisterReminderIfAnyAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>No order for the caller: an activation for a made-up id goes at once; another tenant's order stays.</summary>
    private OrderInfo? Nothing() => _order.RecordExists ? null : NothingHeld<OrderInfo?>(null);

    private bool Mine(string? tenantId) => _order.RecordExists && (tenantId is null || tenantId == State.TenantId);

    private OrderInfo Info() => State.Info(OrderId);

    // Resolved when needed: a silo without the Api's provider services still activates this grain.
    private IOrderProviders Providers => ServiceProvider.GetRequiredService<IOrderProviders>();
}
