using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Grains.Alerts;
using Tollgate.Grains.Analytics;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Events;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// Decides consumes and refunds in memory, one turn at a time, and answers once they are durable.
/// An allowed consume writes the counter and its usage record, nothing else: its id carries what a
/// refund needs (<see cref="ConsumeIdCodec"/>). Writes are group-committed (<see cref="GroupCommitWriter"/>),
/// keyed answers and refunds' entries remembered (<see cref="IdempotencyMemory"/>), the day's totals
/// kept by <see cref="DayTotals"/>, and the rules are <see cref="QuotaRules"/>. Its alerts (<see cref="ThresholdAlerts"/>)
/// are events written with the change that raised or resolved them. Its month's totals (<see cref="MonthTotals"/>) go to the
/// month's leaders (<see cref="ITopUsageGrain"/>) from a timer, at most once a period and only once they are durable, never
/// from a consume.
/// </summary>
[GrainType("quota-counter"), Reentrant]
public sealed class QuotaCounterGrain(
    [PersistentState("counter", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<QuotaCounterState>> store,
    IStateEntryReader entries, ConsumeIdKey consumeIdKey, IOptions<QuotaAlertOptions> alertOptions, IOptions<TopUsageOptions> topUsage,
    ILogger<QuotaCounterGrain> logger)
    : RecordingGrain, IQuotaCounterGrain, IStateShownOnDashboard
{
    // The counters' storage commits a write's usage records with it, in a transaction shared with other counters.
    private readonly StateWithRecords<QuotaCounterState> _counter = new(store, entries);

    private protected override IOwnedByGrain Recorded => _counter;

    public static readonly TimeSpan IdempotencyRetention = TimeSpan.FromHours(24);
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);
    private readonly TimeSpan _reminderPeriod = alertOptions.Value.ReminderPeriod;

    private QuotaEntitlement? _entitlement;
    private Task<QuotaEntitlement>? _loadingEntitlement;
    private IReadOnlyList<int>? _alertPercents;
    private Task<IReadOnlyList<int>>? _loadingAlertPercents;
    private ThresholdAlerts? _alerts; // of the entitlement's limit and the percents; null once either changed
    // The values of Used with which no alert is raised or resolved: empty until the alerts are known, so the first change looks.
    private long _quietFrom = long.MaxValue, _quietBelow = long.MinValue;
    private bool _reminderAimed;
    private const string AlertReminder = "alert";
    private IdempotencyMemory? _memory;
    private GroupCommitWriter? _writer;
    private (DateOnly Day, long Consumed, long Refunded)? _durableDay; // the day's totals as of the last committed write
    // The month's totals as of the last committed write (or as loaded), the last of them reported, and a month a change
    // closed (reported once the close is durable): see ReportAsync.
    private MonthUsage? _durableMonth, _reportedMonth, _closedMonth;
    private IGrainTimer? _reportTimer;

    // The grain's own copy: each write stores a snapshot of it.
    private QuotaCounterState? _state;
    private QuotaCounterState State => _state ??= _counter.State;
    private string? _counterKey;
    private (string TenantId, string QuotaType)? _key; // parsed once: every consume names both
    private string CounterKey => _counterKey ??= this.GetPrimaryKeyString();
    private string TenantId => (_key ??= QuotaCounterKey.Parse(CounterKey)).TenantId;
    private string QuotaType => (_key ??= QuotaCounterKey.Parse(CounterKey)).QuotaType;

    private IdempotencyMemory Memory => _memory ??= new(_counter.ReadEntriesAsync, TimeProvider, IdempotencyRetention, RememberFor);
    private GroupCommitWriter Writer => _writer ??= new(WriteStateAsync, DeactivateOnIdle);

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);

    public async Task<ConsumeResult> Consume(long amount, string? idempotencyKey, AuditActor actor)
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return new ConsumeResult(ConsumeOutcome.UnknownQuotaType, null);
        var consumeIds = await consumeIdKey.CodecAsync();
        if (idempotencyKey is not null) await Memory.RecallAsync(idempotencyKey);
        // From here to the await below nothing interleaves: the decision and the change are one step.
        var now = Decide(entitlement);
        if (idempotencyKey is not null && Memory.Fresh(idempotencyKey, now) is { } prior)
        {
            // A key answers only the request it was first given: another amount (or a refund's key) is refused.
            if (prior.RefundOf is not null || prior.Amount != amount) return new ConsumeResult(ConsumeOutcome.KeyReused, null);
            await Writer.DurableAsync(); // the first answer counts only once it is stored
            return new ConsumeResult(prior.Allowed ? ConsumeOutcome.Allowed : ConsumeOutcome.Exceeded, prior.Answer, Replayed: true, prior.ConsumeId);
        }
        var allowed = QuotaRules.Allows(State, entitlement, amount);
        if (allowed && !DayTotals.Fits(State, now, amount, 0)) return new ConsumeResult(ConsumeOutcome.TotalOverflow, Status(entitlement, now));
        string? consumeId = null;
        if (allowed)
        {
            consumeId = consumeIds.Issue(CounterKey, now, State.WindowStart, amount);
            State.Used += amount;
            Tally(now, amount, 0);
            Writer.Add(UsageJournal.Record(TenantId, QuotaType, now, Usage.Consume, amount, actor, idempotencyKey));
        }
        var alerted = Alert(entitlement, now); // a refused consume may resolve too: its window may have just reset
        var answer = Status(entitlement, now);
        if (idempotencyKey is not null) Keep(idempotencyKey, new KeyedConsume(now, amount, allowed, answer, State.WindowStart, false, consumeId), now);
        await (allowed || alerted || idempotencyKey is not null ? Writer.WriteAsync() : Writer.DurableAsync());
        return new ConsumeResult(allowed ? ConsumeOutcome.Allowed : ConsumeOutcome.Exceeded, answer, ConsumeId: consumeId);
    }

    public async Task<ConsumeResult> Check(long amount)
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return new ConsumeResult(ConsumeOutcome.UnknownQuotaType, null);
        var answer = Status(entitlement, Decide(entitlement));
        await Writer.DurableAsync();
        return new ConsumeResult(amount <= answer.Remaining ? ConsumeOutcome.Allowed : ConsumeOutcome.Exceeded, answer);
    }

    public async Task<RefundResult> Refund(QuotaRefund refund, AuditActor actor)
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return new RefundResult(RefundOutcome.UnknownQuotaType, 0, null);
        var consumeIds = await consumeIdKey.CodecAsync();
        // The refund's own key and the consume it names are read together; a consume named by its key then by the id that holds.
        await Task.WhenAll(RecallConsumeAsync(refund.ConsumeId ?? refund.ConsumeKey!, byId: refund.ConsumeId is not null, consumeIds),
            refund.IdempotencyKey is { } key ? Memory.RecallAsync(key) : Task.CompletedTask);
        if (refund.ConsumeId is null && Memory.Fresh(refund.ConsumeKey!, TimeProvider.GetUtcNow()) is { RefundOf: null, ConsumeId: { } keyedId })
            await RecallConsumeAsync(keyedId, byId: true, consumeIds);
        // From here to the await below nothing interleaves.
        var now = Decide(entitlement);
        if (refund.IdempotencyKey is { } refundKey && Memory.Fresh(refundKey, now) is { } prior)
        {
            if (prior.RefundOf != refund.Fingerprint) return new RefundResult(RefundOutcome.KeyReused, 0, null);
            await Writer.DurableAsync();
            return new RefundResult(RefundOutcome.Refunded, prior.GaveBack, prior.Answer, Replayed: true);
        }
        var (id, consume) = Named(refund, consumeIds, now);
        if (consume is null) return new RefundResult(RefundOutcome.UnknownConsume, 0, Status(entitlement, now));
        if (QuotaRules.Refusal(consume, State, refund.Amount) is { } refused)
            return new RefundResult(refused, 0, Status(entitlement, now), Refundable: refused == RefundOutcome.ExceedsConsume ? consume.Amount - consume.GaveBack : 0);
        if (!DayTotals.Fits(State, now, 0, refund.Amount)) return new RefundResult(RefundOutcome.TotalOverflow, 0, Status(entitlement, now));

        if (id is null)
        {
            id = consumeIds.Issue(CounterKey, consume.At, consume.WindowStart, consume.Amount);
            Keep(refund.ConsumeKey!, consume with { ConsumeId = id, GaveBack = 0 }, now);
        }
        // Used holds this window's consumes, this one included, less their refunds: it stays at least 0.
        State.Used -= refund.Amount;
        Alert(entitlement, now);
        Keep(ConsumeEntry(id), consume with { Answer = null, ConsumeId = null, Refunded = false, GaveBack = consume.GaveBack + refund.Amount }, now);
        Tally(now, 0, refund.Amount);
        Writer.Add(UsageJournal.Record(TenantId, QuotaType, now, Usage.Refund, refund.Amount, actor, refund.IdempotencyKey ?? refund.ConsumeKey));
        var answer = Status(entitlement, now);
        if (refund.IdempotencyKey is { } newKey)
            Keep(newKey, new KeyedConsume(now, refund.Amount, true, answer, State.WindowStart, false, id, refund.Fingerprint, refund.Amount), now);
        await Writer.WriteAsync();
        return new RefundResult(RefundOutcome.Refunded, refund.Amount, answer);
    }

    public async Task<QuotaStatus?> Get()
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return null;
        var now = TimeProvider.GetUtcNow();
        QuotaRules.Roll(State, entitlement, now);
        return Status(entitlement, now);
    }

    public async Task<DayUsage?> GetDayUsage()
    {
        // Until this activation's first write commits, what it loaded is what storage holds.
        if (_durableDay is null && _writer?.InFlight is { } first) await first;
        var (day, consumed, refunded) = _durableDay ?? (State.Day, State.DayConsumed, State.DayRefunded);
        return day == default ? null : new DayUsage(day, consumed, refunded);
    }

    public async Task Apply(QuotaEntitlement entitlement)
    {
        _entitlement = entitlement;
        ForgetAlerts();
        if (!entitlement.Known) return;
        // A lower limit may raise the alert and a higher one resolve it: the change itself writes the event.
        try
        {
            await AlertPercentsAsync();
            if (_writer is { Broken: true }) return; // reloading: the stored state meets the new limit at the next change
            if (Alert(entitlement, Decide(entitlement))) await Writer.WriteAsync();
        }
        catch (Exception exception)
        {
            // The subscription's change stands; with the alerts forgotten, the counter's next change looks again.
            logger.LogWarning(exception, "Quota counter {Counter} could not look at its alert after a limit change.", CounterKey);
        }
    }

    public Task ApplyAlertPercents(IReadOnlyList<int> percents)
    {
        _alertPercents = percents;
        ForgetAlerts();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The end of a window in which an alert was raised: the window rolls and the alert resolves, even if
    /// no consume comes. A tick before the end (reminders run on the silo's clock) aims the reminder at it.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var entitlement = await EntitlementAsync();
        if (_writer is { Broken: true }) return; // reloading: the next tick looks again
        if (entitlement.Known)
        {
            var now = Decide(entitlement);
            if (Alert(entitlement, now)) await Writer.WriteAsync();
            if (State.AlertedPercent != 0)
            {
                if (Status(entitlement, now).ResetsAt is { } end && end - now < _reminderPeriod) await AimReminderAsync(end, now);
                return;
            }
        }
        if (await this.GetReminder(AlertReminder) is { } reminder) await this.UnregisterReminder(reminder);
        _reminderAimed = false;
        // A consume that raised an alert meanwhile aimed the reminder this may just have removed.
        if (entitlement.Known && State.AlertedPercent != 0) await AimReminderAsync(Status(entitlement, TimeProvider.GetUtcNow()).ResetsAt);
    }

    /// <summary>
    /// The entitlement is asked of the subscription on the first call after activation (never in
    /// OnActivateAsync: the subscription may be calling this counter at that moment) and then kept
    /// current by <see cref="Apply"/>.
    /// </summary>
    private async Task<QuotaEntitlement> EntitlementAsync()
    {
        if (_entitlement is { } known && _alertPercents is not null) return known;
        var entitlement = _entitlement ?? await LoadEntitlementAsync();
        // After the entitlement: once the subscription knows of this counter, it is told of every change of the
        // percents written after the load below started.
        if (entitlement.Known) await AlertPercentsAsync();
        return entitlement;
    }

    private async Task<QuotaEntitlement> LoadEntitlementAsync()
    {
        var loading = _loadingEntitlement ??= GrainFactory.GetGrain<ISubscriptionGrain>(TenantId).GetEntitlement(QuotaType);
        try
        {
            var entitlement = _entitlement ??= await loading;
            // A counter of a quota type the catalog lacks holds nothing and hears of no change (the
            // subscription tells only counters of known types): it goes once idle, and a later
            // activation asks again.
            if (!entitlement.Known) DeactivateOnIdle();
            return entitlement;
        }
        catch when (_loadingEntitlement == loading)
        {
            // A failed load (a conflict in the subscription, a database error) is not kept: the next call asks again.
            _loadingEntitlement = null;
            throw;
        }
    }

    /// <summary>The tenant's alert percents, asked once per activation and then kept current by <see cref="ApplyAlertPercents"/>.</summary>
    private async Task AlertPercentsAsync()
    {
        if (_alertPercents is not null) return;
        var loading = _loadingAlertPercents ??= GrainFactory.GetGrain<IAlertSettingsGrain>(TenantId).GetQuotaPercents();
        try
        {
            _alertPercents ??= await loading;
        }
        catch when (_loadingAlertPercents == loading)
        {
            _loadingAlertPercents = null;
            throw;
        }
    }

    private void ForgetAlerts() => (_alerts, _quietFrom, _quietBelow) = (null, long.MaxValue, long.MinValue);

    /// <summary>
    /// Raises or resolves the quota's alert once Used has left the band in which neither happens: inside it,
    /// two compares. An event is a record of the next write, with the state that says it was sent.
    /// </summary>
    /// <returns>Whether an event was recorded (the turn must write).</returns>
    private bool Alert(QuotaEntitlement entitlement, DateTimeOffset now) =>
        (State.Used < _quietFrom || State.Used >= _quietBelow) && Realert(entitlement, now);

    private bool Realert(QuotaEntitlement entitlement, DateTimeOffset now)
    {
        if (_alertPercents is not { } percents) return false;
        var alerts = _alerts ??= ThresholdAlerts.Percents(percents, entitlement.Limit);
        var crossing = alerts.Cross(State.Used, State.AlertedPercent);
        (_quietFrom, _quietBelow) = alerts.Quiet(crossing.Alerted);
        if (crossing.Change == ThresholdChange.None)
        {
            // An alert raised by an earlier activation: its reminder may have been lost with it.
            if (State.AlertedPercent != 0 && !_reminderAimed) _ = AimReminderAsync(Status(entitlement, now).ResetsAt);
            return false;
        }
        var status = Status(entitlement, now);
        State.AlertedPercent = (int)crossing.Alerted;
        var type = crossing.Change == ThresholdChange.Resolved ? TenantEventTypes.QuotaResolved
            : crossing.Level == 100 ? TenantEventTypes.QuotaExhausted : TenantEventTypes.QuotaThreshold;
        Writer.Add(TenantEvents.Record(TenantId, type, now,
            new { quotaType = QuotaType, percent = crossing.Level, status.Used, status.Limit, status.Remaining, status.ResetsAt }));
        if (crossing.Change == ThresholdChange.Raised) _ = AimReminderAsync(status.ResetsAt);
        return true;
    }

    /// <summary>
    /// Has the reminder wake the counter at the window's end, or within the reminder period when that is
    /// sooner. Only alerted counters have one. Never throws: a consume that raised an alert is answered all
    /// the same, and without a reminder the alert resolves with the first change after the reset.
    /// </summary>
    private async Task AimReminderAsync(DateTimeOffset? windowEnd, DateTimeOffset? now = null)
    {
        if (windowEnd is not { } end) return; // a lifetime quota never resets
        try
        {
            var dueIn = SubscriptionRules.DueIn(end, now ?? TimeProvider.GetUtcNow(), _reminderPeriod);
            await this.RegisterOrUpdateReminder(AlertReminder, dueIn, _reminderPeriod);
            _reminderAimed = true;
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Quota counter {Counter} could not aim its alert reminder at {End}.", CounterKey, end);
        }
    }

    /// <summary>Starts a turn's decision: refuses to decide on memory a failed write may have left, rolls the window, and tells the time.</summary>
    private DateTimeOffset Decide(QuotaEntitlement entitlement)
    {
        if (_writer is { Broken: true })
            throw new Orleans.Storage.InconsistentStateException(
                $"Quota counter {CounterKey} is reloading after a failed write; retry.", null, (string?)null);
        _reportTimer ??= StartReporting();
        var now = TimeProvider.GetUtcNow();
        QuotaRules.Roll(State, entitlement, now);
        return now;
    }

    /// <summary>
    /// Brings into memory what refunds gave back of a consume named by id (or the keyed answer naming it).
    /// An id that is not this counter's, altered or expired is never looked up.
    /// </summary>
    private Task RecallConsumeAsync(string named, bool byId, ConsumeIdCodec consumeIds) =>
        !byId ? Memory.RecallAsync(named)
        : !ConsumeIdCodec.IsTicket(named) || consumeIds.Read(CounterKey, named, TimeProvider.GetUtcNow(), IdempotencyRetention) is not null
            ? Memory.RecallAsync(ConsumeEntry(named))
            : Task.CompletedTask;

    /// <summary>The consume a refund names, with what refunds gave back of it; null when there is none of the last 24 hours.</summary>
    /// <returns>Its id, null for a keyed consume stored before consume ids.</returns>
    private (string? Id, KeyedConsume? Consume) Named(QuotaRefund refund, ConsumeIdCodec consumeIds, DateTimeOffset now)
    {
        if (refund.ConsumeId is { } id) return (id, ById(id));
        return Memory.Fresh(refund.ConsumeKey!, now) switch
        {
            { RefundOf: null, Allowed: true, ConsumeId: { } keyedId } => (keyedId, ById(keyedId)),
            { RefundOf: null, Allowed: true } keyed => (null, keyed with { GaveBack = keyed.Refunded ? keyed.Amount : 0 }), // stored before consume ids
            _ => (null, null),
        };

        KeyedConsume? ById(string consumeId) =>
            consumeIds.Read(CounterKey, consumeId, now, IdempotencyRetention) is { } ticket
                ? new KeyedConsume(ticket.At, ticket.Amount, true, null, ticket.WindowStart, false,
                    GaveBack: Memory.Fresh(ConsumeEntry(consumeId), now)?.GaveBack ?? 0)
                // Compatibility: ids of consumes made before ids carried them (cns_ and 32 hex digits) name the entry
                // the consume stored. Such entries expire 24 hours after the upgrade; this branch may go then.
                : ConsumeIdCodec.IsTicket(consumeId) ? null : Memory.Fresh(ConsumeEntry(consumeId), now);
    }

    /// <summary>
    /// The entry of a consume's id. Idempotency keys are printable, so the leading control character
    /// keeps a client's key from naming a consume's entry.
    /// </summary>
    public static string ConsumeEntry(string consumeId) => "\u0001consume:" + consumeId;

    /// <summary>Records a keyed answer or what refunds gave back, to be stored by the next write; it expires with its consume.</summary>
    private void Keep(string key, KeyedConsume kept, DateTimeOffset now)
    {
        Memory.Remember(key, kept, now);
        Writer.Add(new StateEntry(key, JsonSerializer.Serialize(kept, QuotaJson.Default.KeyedConsume), kept.At + IdempotencyRetention));
    }

    /// <summary>Stores a snapshot of the state with the batch; on commit, what it carried is durable.</summary>
    private async Task WriteStateAsync(IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> entries)
    {
        var (through, day, month) = (_memory?.Changes ?? 0, (State.Day, State.DayConsumed, State.DayRefunded), MonthTotals.Held(State));
        await _counter.WriteSnapshotAsync(State.Snapshot(), records, entries); // later changes wait for the next batch
        _memory?.DurableThrough(through);
        _durableDay = day;
        _durableMonth = month;
    }

    /// <summary>
    /// Before this activation's first decision (nothing it changed is in memory yet): what storage holds is durable, and
    /// reported by the first tick, which also covers a change an earlier activation made and could not report.
    /// </summary>
    private IGrainTimer StartReporting()
    {
        _durableMonth = MonthTotals.Held(State);
        var period = topUsage.Value.ReportPeriod;
        return this.RegisterGrainTimer(ReportAsync, new GrainTimerCreationOptions(period, period));
    }

    /// <summary>
    /// Reports the durable month's totals when they changed since the last report, and a month a change closed once that
    /// close is durable (the durable month has moved past it). Whole totals, so a report lost or repeated costs nothing
    /// but its trip: the next one carries everything.
    /// </summary>
    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_closedMonth is { } closed && _durableMonth is { } moved && moved.Month > closed.Month)
            {
                await ReportAsync(closed);
                if (_closedMonth == closed) _closedMonth = null;
            }
            if (_durableMonth is { } month && month != _reportedMonth)
            {
                await ReportAsync(month);
                _reportedMonth = month;
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Quota counter {Counter} could not report its month's usage; the next tick tries again.",
                CounterKey);
        }
    }

    private Task ReportAsync(MonthUsage month)
    {
        var key = ITopUsageGrain.KeyOf(month.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), QuotaType);
        return GrainFactory.GetGrain<ITopUsageGrain>(key).Report(new TenantUsage(TenantId, month.Consumed, month.Refunded));
    }

    /// <summary>Going idle: what changed since the last tick is reported now rather than at the counter's next activation.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_reportTimer is not null) await ReportAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private QuotaStatus Status(QuotaEntitlement entitlement, DateTimeOffset now) => QuotaRules.Status(QuotaType, State, entitlement, now);

    /// <summary>Adds to the day's totals; a day closed and opened is recorded ahead of the change's own usage record.</summary>
    private void Tally(DateTimeOffset now, long consumed, long refunded)
    {
        if (MonthTotals.Tally(State, now, consumed, refunded) is { } closedMonth) _closedMonth = closedMonth;
        var (closed, opened) = DayTotals.Tally(State, now, consumed, refunded);
        if (closed is not null) Writer.Add(UsageJournal.Day(TenantId, QuotaType, closed));
        if (opened is not null) Writer.Add(UsageJournal.Day(TenantId, QuotaType, opened));
    }
}
