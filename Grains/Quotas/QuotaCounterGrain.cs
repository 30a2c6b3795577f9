using System.Text.Json;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Quotas;

public sealed class QuotaCounterState
{
    public long Used { get; set; }
    public DateTimeOffset WindowStart { get; set; }

    // The usage of the last UTC day with any (default: none yet). Value types, not a DayUsage: a
    // counter allocates nothing it keeps on a consume (see the GC note on _unwritten).
    public DateOnly Day { get; set; }
    public long DayConsumed { get; set; }
    public long DayRefunded { get; set; }

    /// <summary>What a write stores: storage serializes it off the grain's turn, while the grain goes on changing its own.</summary>
    public QuotaCounterState Snapshot() => (QuotaCounterState)MemberwiseClone();
}

/// <summary>
/// What a counter keeps for 24 hours, each in a state entry of its own that the silo removes from
/// storage once expired, so a write stores only the entries it changed:
/// <list type="bullet">
/// <item>under an idempotency key, the first answer to the keyed consume (<see cref="RefundOf"/> null)
///   or refund, replayed for the same request and refused for another;</item>
/// <item>under an allowed consume's id (<see cref="QuotaCounterGrain.ConsumeEntry"/>), the consume and
///   how much refunds gave back of it (<see cref="GaveBack"/>).</item>
/// </list>
/// Keyed consumes stored before consume ids (no <see cref="ConsumeId"/>) are their own consume, with
/// <see cref="Refunded"/> set once given back.
/// </summary>
/// <param name="RefundOf">A refund's <see cref="QuotaRefund.Fingerprint"/>.</param>
/// <param name="GaveBack">Of a consume: what its refunds gave back in all. Of a refund: what it gave back.</param>
public sealed record KeyedConsume(
    DateTimeOffset At, long Amount, bool Allowed, QuotaStatus? Answer, DateTimeOffset WindowStart, bool Refunded,
    string? ConsumeId = null, string? RefundOf = null, long GaveBack = 0);

[GrainType("quota-counter"), Reentrant]
public sealed class QuotaCounterGrain(
    [PersistentState("counter", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<QuotaCounterState>> store,
    IStateEntryReader entries)
    : RecordingGrain, IQuotaCounterGrain, IStateShownOnDashboard
{
    // The counters' storage commits a write's usage records with it, in a transaction shared with other counters.
    private readonly StateWithRecords<QuotaCounterState> counter = new(store, entries);

    private protected override IOwnedByGrain Recorded => counter;

    public static readonly TimeSpan IdempotencyRetention = TimeSpan.FromHours(24);
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    private QuotaEntitlement? _entitlement;
    private Task<QuotaEntitlement>? _loadingEntitlement;
    // Keyed consumes this activation decided or read from storage, in _remembered oldest first. An
    // answer is forgotten once it is durable and a minute old: storage holds it, and no call is still
    // between reading it and deciding on it (calls time out after 30 s). So a counter given millions
    // of keys a day holds about a minute's, and reads a key it does not hold from storage.
    private Dictionary<string, Remembered>? _keyed;
    private Queue<(string Key, long Change)>? _remembered;
    private long _changes, _durableThrough;    // answers are numbered as they change; those up to _durableThrough are committed

    private readonly record struct Remembered(KeyedConsume Consume, long Change, DateTimeOffset Since);

    // Group lookup, as group commit: keys asked for while a read is in flight share the next read.
    private Lookup? _nextLookup;
    private bool _lookingUp;

    private sealed class Lookup
    {
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public TaskCompletionSource<IReadOnlyDictionary<string, string>> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // Group commit. Every turn below runs on the activation's single thread, interleaving only at awaits.
    private WriteBatch? _writing;              // serialized and in flight: nobody may join it any more
    private WriteBatch? _pending;              // starts when the write in flight ends; changes made meanwhile join it
    // Null between writes: a grain that holds no young object after its write leaves the GC no
    // old-to-young reference to trace, which with thousands of counters is most of a gen0 pause.
    private List<JournalRecord>? _unwritten;
    private List<StateEntry>? _unwrittenEntries;
    private bool _broken;                      // a write failed: memory may hold changes storage refused
    private (DateOnly Day, long Consumed, long Refunded)? _durableDay; // the day's totals as of the last committed write

    private sealed class WriteBatch
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // The grain's own copy: each write stores a snapshot of it.
    private QuotaCounterState? _state;
    private QuotaCounterState State => _state ??= counter.State;
    private (string TenantId, string QuotaType)? _key; // parsed once: every consume names both
    private string TenantId => (_key ??= QuotaCounterKey.Parse(this.GetPrimaryKeyString())).TenantId;
    private string QuotaType => (_key ??= QuotaCounterKey.Parse(this.GetPrimaryKeyString())).QuotaType;

    public Task<string> GetDashboardState() => DashboardStateJson.Of(State);

    public async Task<ConsumeResult> Consume(long amount, string? idempotencyKey, AuditActor actor)
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return new ConsumeResult(ConsumeOutcome.UnknownQuotaType, null);
        if (idempotencyKey is not null) await RecallAsync(idempotencyKey);
        // From here to the await below nothing interleaves: the decision and the change are one step.
        ThrowIfBroken();
        var now = TimeProvider.GetUtcNow();
        Roll(entitlement, now);
        if (idempotencyKey is not null && Fresh(idempotencyKey, now) is { } prior)
        {
            // A key answers only the request it was first given: another amount (or a refund's key) is refused.
            if (prior.RefundOf is not null || prior.Amount != amount) return new ConsumeResult(ConsumeOutcome.KeyReused, null);
            await DurableAsync(); // the first answer counts only once it is stored
            return new ConsumeResult(prior.Allowed ? ConsumeOutcome.Allowed : ConsumeOutcome.Exceeded, prior.Answer, Replayed: true, prior.ConsumeId);
        }
        // Used and the limit are at least 0, so the difference cannot overflow, and Used + amount fits the limit.
        var allowed = amount <= entitlement.Limit - State.Used;
        if (allowed && !DayFits(now, amount, 0)) return new ConsumeResult(ConsumeOutcome.TotalOverflow, Status(entitlement, now));
        string? consumeId = null;
        if (allowed)
        {
            consumeId = NewConsumeId();
            State.Used += amount;
            Tally(now, amount, 0);
            (_unwritten ??= []).Add(UsageJournal(now, Usage.Consume, amount, actor, idempotencyKey));
            // Stored with the write the consume shares anyway; held in memory only when keyed, since only
            // the consume's caller learns its id, once it is durable, and a refund then reads it from storage.
            Keep(ConsumeEntry(consumeId), new KeyedConsume(now, amount, true, null, State.WindowStart, false), now, remember: idempotencyKey is not null);
        }
        var answer = Status(entitlement, now);
        if (idempotencyKey is not null) Keep(idempotencyKey, new KeyedConsume(now, amount, allowed, answer, State.WindowStart, false, consumeId), now);
        await (allowed || idempotencyKey is not null ? WriteAsync() : DurableAsync());
        return new ConsumeResult(allowed ? ConsumeOutcome.Allowed : ConsumeOutcome.Exceeded, answer, ConsumeId: consumeId);
    }

    public async Task<ConsumeResult> Check(long amount)
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return new ConsumeResult(ConsumeOutcome.UnknownQuotaType, null);
        ThrowIfBroken();
        var now = TimeProvider.GetUtcNow();
        Roll(entitlement, now);
        var answer = Status(entitlement, now);
        await DurableAsync();
        return new ConsumeResult(amount <= answer.Remaining ? ConsumeOutcome.Allowed : ConsumeOutcome.Exceeded, answer);
    }

    public async Task<RefundResult> Refund(QuotaRefund refund, AuditActor actor)
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return new RefundResult(RefundOutcome.UnknownQuotaType, 0, null);
        // The refund's own key and the consume it names are read together; a consume named by its key then by the id that holds.
        var named = refund.ConsumeId is { } consumeId ? ConsumeEntry(consumeId) : refund.ConsumeKey!;
        await Task.WhenAll(RecallAsync(named), refund.IdempotencyKey is { } key ? RecallAsync(key) : Task.CompletedTask);
        if (refund.ConsumeId is null && Recalled(named) is { RefundOf: null, ConsumeId: { } keyedId }) await RecallAsync(ConsumeEntry(keyedId));
        // From here to the await below nothing interleaves.
        ThrowIfBroken();
        var now = TimeProvider.GetUtcNow();
        Roll(entitlement, now);
        if (refund.IdempotencyKey is { } refundKey && Fresh(refundKey, now) is { } prior)
        {
            if (prior.RefundOf != refund.Fingerprint) return new RefundResult(RefundOutcome.KeyReused, 0, null);
            await DurableAsync();
            return new RefundResult(RefundOutcome.Refunded, prior.GaveBack, prior.Answer, Replayed: true);
        }
        var (id, consume) = refund.ConsumeId is { } byId ? (byId, Fresh(ConsumeEntry(byId), now))
            : Fresh(named, now) is { RefundOf: null, Allowed: true } keyed
                ? keyed.ConsumeId is { } keyedConsumeId ? (keyedConsumeId, Fresh(ConsumeEntry(keyedConsumeId), now))
                : (null, keyed with { GaveBack = keyed.Refunded ? keyed.Amount : 0 }) // stored before consume ids: the key's entry is the consume
            : (null, null);
        if (consume is null) return new RefundResult(RefundOutcome.UnknownConsume, 0, Status(entitlement, now));
        var refundable = consume.Amount - consume.GaveBack; // 0 <= GaveBack <= Amount
        if (refundable == 0) return new RefundResult(RefundOutcome.AlreadyRefunded, 0, Status(entitlement, now));
        if (consume.WindowStart != State.WindowStart) return new RefundResult(RefundOutcome.WindowReset, 0, Status(entitlement, now));
        if (refund.Amount > refundable) return new RefundResult(RefundOutcome.ExceedsConsume, 0, Status(entitlement, now), Refundable: refundable);
        if (!DayFits(now, 0, refund.Amount)) return new RefundResult(RefundOutcome.TotalOverflow, 0, Status(entitlement, now));

        if (id is null)
        {
            id = NewConsumeId();
            Keep(named, consume with { ConsumeId = id, GaveBack = 0 }, now);
        }
        // Used holds this window's consumes, this one included, less their refunds: it stays at least 0.
        State.Used -= refund.Amount;
        Keep(ConsumeEntry(id), consume with { Answer = null, ConsumeId = null, Refunded = false, GaveBack = consume.GaveBack + refund.Amount }, now);
        Tally(now, 0, refund.Amount);
        (_unwritten ??= []).Add(UsageJournal(now, Usage.Refund, refund.Amount, actor, refund.IdempotencyKey ?? refund.ConsumeKey));
        var answer = Status(entitlement, now);
        if (refund.IdempotencyKey is { } newKey)
            Keep(newKey, new KeyedConsume(now, refund.Amount, true, answer, State.WindowStart, false, id, refund.Fingerprint, refund.Amount), now);
        await WriteAsync();
        return new RefundResult(RefundOutcome.Refunded, refund.Amount, answer);
    }

    public async Task<QuotaStatus?> Get()
    {
        var entitlement = await EntitlementAsync();
        if (!entitlement.Known) return null;
        var now = TimeProvider.GetUtcNow();
        Roll(entitlement, now);
        return Status(entitlement, now);
    }

    public async Task<DayUsage?> GetDayUsage()
    {
        // Until this activation's first write commits, what it loaded is what storage holds.
        if (_durableDay is null && _writing is { } first) await first.Committed.Task;
        var (day, consumed, refunded) = _durableDay ?? (State.Day, State.DayConsumed, State.DayRefunded);
        return day == default ? null : new DayUsage(day, consumed, refunded);
    }

    public Task Apply(QuotaEntitlement entitlement)
    {
        _entitlement = entitlement;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The entitlement is asked of the subscription on the first call after activation (never in
    /// OnActivateAsync: the subscription may be calling this counter at that moment) and then kept
    /// current by <see cref="Apply"/>.
    /// </summary>
    private async Task<QuotaEntitlement> EntitlementAsync()
    {
        if (_entitlement is { } known) return known;
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

    /// <summary>Brings a key's stored answer, if any, into memory. Callers read it after this await, with <see cref="Recalled"/>.</summary>
    private async Task RecallAsync(string idempotencyKey)
    {
        if ((_keyed ??= new(StringComparer.Ordinal)).ContainsKey(idempotencyKey)) return;
        var lookup = _nextLookup ??= new Lookup();
        lookup.Keys.Add(idempotencyKey);
        if (!_lookingUp) _ = LookUpAsync();
        var found = await lookup.Found.Task;
        // A turn may have decided this key while the read was in flight; that answer is the newer one.
        if (found.TryGetValue(idempotencyKey, out var stored) && !_keyed.ContainsKey(idempotencyKey))
            Remember(idempotencyKey, JsonSerializer.Deserialize(stored, QuotaJson.Default.KeyedConsume)!, TimeProvider.GetUtcNow());
    }

    /// <summary>Reads the gathered keys, then those gathered meanwhile. Never throws: outcomes go to the lookups.</summary>
    private async Task LookUpAsync()
    {
        while (_nextLookup is { } lookup)
        {
            (_lookingUp, _nextLookup) = (true, null);
            try
            {
                lookup.Found.SetResult(await counter.ReadEntriesAsync(lookup.Keys));
            }
            catch (Exception exception)
            {
                lookup.Found.SetException(exception);
            }
            _lookingUp = false;
        }
    }

    private KeyedConsume? Recalled(string idempotencyKey) => _keyed!.TryGetValue(idempotencyKey, out var remembered) ? remembered.Consume : null;

    /// <summary>What is kept under this key, if it is younger than the retention.</summary>
    private KeyedConsume? Fresh(string key, DateTimeOffset now) => Recalled(key) is { } kept && kept.At > now - IdempotencyRetention ? kept : null;

    /// <summary>
    /// The entry of a consume's id. Idempotency keys are printable, so the leading control character
    /// keeps a client's key from naming a consume's entry.
    /// </summary>
    public static string ConsumeEntry(string consumeId) => "\u0001consume:" + consumeId;

    /// <summary>A consume's id: random (122 bits), so unique, and only meaningful to its own counter.</summary>
    private static string NewConsumeId() => "cns_" + Guid.NewGuid().ToString("N");

    /// <summary>Records an answer or a consume, to be stored by the next write.</summary>
    private void Keep(string key, KeyedConsume kept, DateTimeOffset now, bool remember = true)
    {
        if (remember) Remember(key, kept, now);
        (_unwrittenEntries ??= []).Add(new StateEntry(key, JsonSerializer.Serialize(kept, QuotaJson.Default.KeyedConsume), kept.At + IdempotencyRetention));
    }

    /// <summary>Whether the day's totals can take this change: they are kept exact, so a change that would pass long.MaxValue is refused.</summary>
    private bool DayFits(DateTimeOffset now, long consumed, long refunded) =>
        DateOnly.FromDateTime(now.UtcDateTime) > State.Day
        || (QuotaSums.Fits(State.DayConsumed, consumed) && QuotaSums.Fits(State.DayRefunded, refunded));

    /// <summary>Holds an answer in memory and forgets the oldest ones that may go: a few at a time, never a pass over all.</summary>
    private void Remember(string idempotencyKey, KeyedConsume consume, DateTimeOffset now)
    {
        var keyed = _keyed!;
        var remembered = _remembered ??= new();
        keyed[idempotencyKey] = new Remembered(consume, ++_changes, now);
        remembered.Enqueue((idempotencyKey, _changes));
        while (remembered.TryPeek(out var oldest) && oldest.Change <= _durableThrough)
        {
            if (keyed.TryGetValue(oldest.Key, out var held) && held.Change == oldest.Change) // else a later change replaced it
            {
                if (held.Since > now - RememberFor) break;
                keyed.Remove(oldest.Key);
            }
            remembered.Dequeue();
        }
    }

    /// <summary>Starts a new window when a boundary has passed: boundaries are computed, so each applies once.</summary>
    private void Roll(QuotaEntitlement entitlement, DateTimeOffset now)
    {
        var (start, _) = Calendar.WindowAt(entitlement.Window, entitlement.Anchor, now);
        if (State.WindowStart == start) return;
        State.WindowStart = start;
        State.Used = 0;
    }

    private QuotaStatus Status(QuotaEntitlement entitlement, DateTimeOffset now) =>
        new(QuotaType, entitlement.Limit, State.Used, Math.Max(0, entitlement.Limit - State.Used),
            Calendar.WindowAt(entitlement.Window, entitlement.Anchor, now).End);

    /// <summary>Completes once a write carrying the current state has committed.</summary>
    private Task WriteAsync()
    {
        if (_pending is { } pending) return pending.Committed.Task;
        var batch = new WriteBatch();
        if (_writing is null) _ = RunAsync(batch);
        else _pending = batch;
        return batch.Committed.Task;
    }

    /// <summary>Completes once everything decided so far is durable, without writing anything new.</summary>
    private Task DurableAsync() => (_pending ?? _writing)?.Committed.Task ?? Task.CompletedTask;

    /// <summary>Writes one batch, then the one that gathered behind it. Never throws: outcomes go to the batches.</summary>
    private async Task RunAsync(WriteBatch batch)
    {
        _writing = batch;
        IReadOnlyList<JournalRecord> records = _unwritten ?? [];
        IReadOnlyList<StateEntry> entries = _unwrittenEntries ?? [];
        var (through, day) = (_changes, (State.Day, State.DayConsumed, State.DayRefunded));
        (_unwritten, _unwrittenEntries) = (null, null);
        try
        {
            await counter.WriteSnapshotAsync(State.Snapshot(), records, entries); // later changes wait for the next batch
            (_durableThrough, _durableDay) = (through, day);
            _writing = null;
            batch.Committed.SetResult();
        }
        catch (Exception exception)
        {
            // Changes decided after this write began are in memory only: none may be written now.
            _broken = true;
            _writing = null;
            DeactivateOnIdle();
            batch.Committed.SetException(exception);
            if (_pending is { } stranded)
            {
                _pending = null;
                stranded.Committed.SetException(exception);
            }
            return;
        }
        if (_pending is { } next)
        {
            _pending = null;
            _ = RunAsync(next);
        }
    }

    private void ThrowIfBroken()
    {
        if (_broken)
            throw new Orleans.Storage.InconsistentStateException(
                $"Quota counter {this.GetPrimaryKeyString()} is reloading after a failed write; retry.", null, (string?)null);
    }

    /// <summary>
    /// Adds to the day's totals. A counter's first change on a later day closes the day it held and
    /// opens the new one, ahead of the change's own usage record (so the open has the smaller sequence).
    /// A clock behind the day already held counts in that day.
    /// </summary>
    private void Tally(DateTimeOffset now, long consumed, long refunded)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        if (day > State.Day)
        {
            var unwritten = _unwritten ??= [];
            if (State.Day != default) unwritten.Add(DayJournal(new UsageDayRecord(Usage.Closed, State.Day, State.DayConsumed, State.DayRefunded)));
            unwritten.Add(DayJournal(new UsageDayRecord(Usage.Opened, day, 0, 0)));
            (State.Day, State.DayConsumed, State.DayRefunded) = (day, 0, 0);
        }
        State.DayConsumed = QuotaSums.Add(State.DayConsumed, consumed); // DayFits was asked first
        State.DayRefunded = QuotaSums.Add(State.DayRefunded, refunded);
    }

    private JournalRecord DayJournal(UsageDayRecord record) =>
        new(Usage.DaysStream, TenantId, QuotaType, Usage.Start(record.Day), JsonSerializer.Serialize(record, UsageJson.Default.UsageDayRecord));

    private JournalRecord UsageJournal(DateTimeOffset now, string kind, long amount, AuditActor actor, string? idempotencyKey) =>
        new(Usage.Stream, TenantId, QuotaType, now,
            JsonSerializer.Serialize(new UsageRecord(now, kind, QuotaType, amount, new AuditEntryActor(actor.Type, actor.Id), idempotencyKey), UsageJson.Default.UsageRecord));
}
