using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Grains.Events;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Quotas;

namespace Tollgate.Grains.Credits;

/// <summary>
/// Decides grants, spends, refunds and holds in memory, one turn at a time, and answers once they are
/// durable, like the quota counter: writes are group-committed (<see cref="GroupCommitWriter"/>), each
/// carrying its ledger records and events; keyed answers and spends' shares are state entries
/// (<see cref="WalletEntry"/>). The grants and holds are a <see cref="GrantBook"/>, the rules <see cref="CreditRules"/>.
/// Time is exact: every call first ends what ended before it (<see cref="GrantBook.EndDue"/>), recorded at
/// its own instant; the reminder only makes sure that happens when no call comes.
/// </summary>
[GrainType("credit-wallet"), Reentrant]
public sealed class CreditWalletGrain(
    [PersistentState("wallet", StorageNames.GroupCommit)] IPersistentState<StateAndOutbox<CreditWalletState>> store,
    IStateEntryReader entries, ConsumeIdKey idKey, IOptions<CreditWalletOptions> options, ILogger<CreditWalletGrain> logger)
    : RecordingGrain, ICreditWalletGrain, IStateShownOnDashboard
{
    private readonly StateWithRecords<CreditWalletState> _wallet = new(store, entries);

    private protected override IOwnedByGrain Recorded => _wallet;

    /// <summary>How long a key's answer and a spend's shares are kept.</summary>
    public static readonly TimeSpan IdempotencyRetention = TimeSpan.FromHours(24);
    /// <summary>Grants' keys are kept longer: payment providers redeliver for days.</summary>
    public static readonly TimeSpan GrantKeyRetention = TimeSpan.FromDays(35);
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);
    private const string ReminderName = "ends";

    private CreditWalletState? _state;
    private GrantBook? _book;
    private IdempotencyMemory<WalletEntry>? _memory;
    private GroupCommitWriter? _writer;
    private CreditIds? _ids;
    private bool _changed;      // this turn changed something that must be written before it answers
    private bool _reminderOn;

    private CreditWalletState State => _state ??= _wallet.State;
    private GrantBook Book => _book ??= new(State);
    private string TenantId => this.GetPrimaryKeyString();
    private IdempotencyMemory<WalletEntry> Memory => _memory ??=
        new(_wallet.ReadEntriesAsync, TimeProvider, TimeSpan.Zero, RememberFor, CreditJson.Default.WalletEntry, entry => entry.Until);
    private GroupCommitWriter Writer => _writer ??= new(WriteStateAsync, DeactivateOnIdle);

    public Task<string> GetDashboardState() => DashboardStateJson.Of(Snapshot());

    public async Task<GrantResult> Grant(CreditGrant grant, AuditActor actor)
    {
        var fingerprint = $"grant\n{grant.Amount}\n{grant.Source}\n{grant.Priority}\n{grant.ExpiresAt?.UtcTicks}\n{grant.Reason}";
        var answer = await DecideAsync(grant.IdempotencyKey, fingerprint, GrantKeyRetention, now => Add(grant, actor, now));
        var outcome = answer.Outcome switch
        {
            WalletOutcome.Done => GrantOutcome.Granted,
            WalletOutcome.KeyReused => GrantOutcome.KeyReused,
            WalletOutcome.Overflow => GrantOutcome.Overflow,
            _ => GrantOutcome.ExceedsBalance,
        };
        return new GrantResult(outcome, answer.Balance, answer.Id, answer.Replayed);
    }

    public async Task<WalletBalance> Get()
    {
        await FinishAsync(Now());
        return Book.Totals;
    }

    public async Task<WalletView> GetView()
    {
        await FinishAsync(Now());
        return new WalletView(Book.Totals,
            Book.InSpendOrder.Select(lot => new CreditGrantView(lot.Id, lot.Source, lot.Priority, lot.Remaining, lot.ExpiresAt)).ToList());
    }

    public async Task<WalletResult> Spend(CreditSpend spend, AuditActor actor)
    {
        var ids = await IdsAsync();
        var answer = await DecideAsync(spend.IdempotencyKey, spend.Fingerprint, IdempotencyRetention, now =>
        {
            if (spend.Credits > Book.Free) return new WalletResult(WalletOutcome.Insufficient, Book.Totals);
            var id = ids.Spend(TenantId, now, spend.Units, spend.Credits);
            KeepSpend(id, new WalletEntry(now, now + IdempotencyRetention, Shares: Book.Take(spend.Credits)), now);
            Ledger(Entry(CreditLedger.Spend, now, -spend.Credits, 0, actor) with
                { SpendId = id, Tool = spend.Tool, IdempotencyKey = spend.IdempotencyKey });
            return new WalletResult(WalletOutcome.Done, Book.Totals, spend.Credits, id);
        });
        if (answer is { Outcome: WalletOutcome.Done, Replayed: false } && CreditRules.WantsTopUp(State, answer.Balance.Available))
            _ = AskForTopUpAsync(answer.Balance.Available);
        return answer;
    }

    public async Task<WalletResult> Refund(CreditRefund refund, AuditActor actor)
    {
        var ids = await IdsAsync();
        var spendId = refund.SpendId;
        if (spendId is null)
        {
            // A spend named by its key: the key's kept answer names the spend.
            await Memory.RecallAsync(refund.SpendKey!);
            spendId = Memory.Fresh(refund.SpendKey!, TimeProvider.GetUtcNow()) is { Fingerprint: { } made, Answer: { Outcome: WalletOutcome.Done } kept }
                && made.StartsWith("spend\n", StringComparison.Ordinal) ? kept.Id : null;
        }
        // An id that is not this wallet's, altered or older than its entries is never looked up.
        if (spendId is not null && ids.IsSpend(TenantId, spendId, TimeProvider.GetUtcNow(), IdempotencyRetention))
            await Memory.RecallAsync(SpendEntry(spendId));
        else spendId = null;
        return await DecideAsync(refund.IdempotencyKey, refund.Fingerprint, IdempotencyRetention, now =>
        {
            if (spendId is null || Memory.Fresh(SpendEntry(spendId), now) is not { Shares: { } shares } spent)
                return new WalletResult(WalletOutcome.UnknownSpend, Book.Totals);
            var left = shares.Sum(share => share.Credits) - spent.GaveBack;
            var credits = refund.Credits ?? left;
            if (left == 0) return new WalletResult(WalletOutcome.AlreadyRefunded, Book.Totals);
            if (credits > left) return new WalletResult(WalletOutcome.ExceedsSpend, Book.Totals, Refundable: left);
            if (!Book.Fits(credits)) return new WalletResult(WalletOutcome.Overflow, Book.Totals);
            var returned = CreditRules.Refunded(shares, spent.GaveBack, credits)
                .Where(portion => Book.GiveBack(portion, portion.Credits, now)).Sum(portion => portion.Credits);
            KeepSpend(spendId, spent with { GaveBack = spent.GaveBack + credits }, now);
            Ledger(Entry(CreditLedger.Refund, now, returned, 0, actor) with { SpendId = spendId, IdempotencyKey = refund.IdempotencyKey });
            return new WalletResult(WalletOutcome.Done, Book.Totals, returned, spendId);
        });
    }

    public async Task<WalletResult> Hold(CreditHoldRequest request, AuditActor actor)
    {
        var ids = await IdsAsync();
        return await DecideAsync(request.IdempotencyKey, request.Fingerprint, IdempotencyRetention, now =>
        {
            if (request.Credits > Book.Free) return new WalletResult(WalletOutcome.Insufficient, Book.Totals);
            var expiresAt = now + request.Ttl;
            var hold = Book.AddHold(ids.Reservation(TenantId, now, expiresAt, request.Credits), request.Tool, request.Units, request.Credits, expiresAt);
            Ledger(Entry(CreditLedger.Hold, now, 0, request.Credits, actor) with
                { ReservationId = hold.Id, Tool = request.Tool, IdempotencyKey = request.IdempotencyKey });
            return new WalletResult(WalletOutcome.Done, Book.Totals, request.Credits, hold.Id, expiresAt);
        });
    }

    public async Task<WalletResult> Settle(string reservationId, long units, string? idempotencyKey, AuditActor actor)
    {
        var ids = await IdsAsync();
        return await DecideAsync(idempotencyKey, $"settle\n{reservationId}\n{units}", IdempotencyRetention, now =>
        {
            if (Ended(reservationId, ids) is { } ended) return ended;
            var hold = Book.Hold(reservationId)!;
            var spent = hold.CreditsFor(units);
            var (taken, left) = Book.EndHold(hold, spent, now);
            string? spendId = null;
            if (spent > 0)
            {
                spendId = ids.Spend(TenantId, now, Math.Min(units, hold.Units), spent);
                KeepSpend(spendId, new WalletEntry(now, now + IdempotencyRetention, Shares: taken), now);
            }
            Ledger(Entry(CreditLedger.Settle, now, -left, -hold.Credits, actor) with
                { ReservationId = hold.Id, SpendId = spendId, Tool = hold.Tool, IdempotencyKey = idempotencyKey });
            return new WalletResult(WalletOutcome.Done, Book.Totals, spent, spendId, Released: hold.Credits - left);
        });
    }

    public async Task<WalletResult> Release(string reservationId, string? idempotencyKey, AuditActor actor)
    {
        var ids = await IdsAsync();
        return await DecideAsync(idempotencyKey, $"release\n{reservationId}", IdempotencyRetention, now =>
        {
            if (Ended(reservationId, ids) is { } ended) return ended;
            var hold = Book.Hold(reservationId)!;
            var (_, left) = Book.EndHold(hold, 0, now);
            Ledger(Entry(CreditLedger.Release, now, -left, -hold.Credits, actor) with
                { ReservationId = hold.Id, Tool = hold.Tool, IdempotencyKey = idempotencyKey, Reason = "released" });
            return new WalletResult(WalletOutcome.Done, Book.Totals, hold.Credits - left, hold.Id);
        });
    }

    public async Task SetLowBalanceAlert(long? below, AuditActor actor)
    {
        var now = Now();
        var before = State.LowBalanceBelow;
        State.LowBalanceBelow = below;
        if (below is null) State.LowAlerted = false; // turned off: nothing is resolved
        Writer.Add(AuditJournal.Record(actor, now, TenantId, "credits.low_balance_alert_set", "wallet", TenantId,
            new { below = before }, new { below }));
        _changed = true;
        await FinishAsync(now);
    }

    public async Task SetAutoTopUpThreshold(long? threshold)
    {
        var now = Now();
        State.AutoTopUpBelow = threshold;
        _changed = true;
        await FinishAsync(now);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await FinishAsync(Now());
        if (Book.NextEnd is not null || await this.GetReminder(ReminderName) is not { } reminder) return;
        await this.UnregisterReminder(reminder);
        _reminderOn = false;
    }

    /// <summary>
    /// The entry of a spend's id. Idempotency keys are printable, so the leading control character keeps
    /// a client's key from naming a spend's entry.
    /// </summary>
    public static string SpendEntry(string spendId) => "\u0001spend:" + spendId;

    /// <summary>
    /// Runs a decision under an optional key: a key's first answer is given again for the same request
    /// and another request under it is refused; the answer comes once what it decided is durable.
    /// </summary>
    private async Task<WalletResult> DecideAsync(string? key, string fingerprint, TimeSpan keptFor, Func<DateTimeOffset, WalletResult> decide)
    {
        if (key is not null) await Memory.RecallAsync(key);
        // From here to the await in FinishAsync nothing interleaves: the decision and the change are one step.
        var now = Now();
        WalletResult answer;
        if (key is not null && Memory.Fresh(key, now) is { } prior)
            answer = prior.Fingerprint == fingerprint ? prior.Answer! with { Replayed = true } : new WalletResult(WalletOutcome.KeyReused, Book.Totals);
        else
        {
            answer = decide(now);
            if (key is not null) Keep(key, new WalletEntry(now, now + keptFor, fingerprint, answer), now);
        }
        await FinishAsync(now);
        return answer;
    }

    /// <summary>Starts a turn: refuses to decide on memory a failed write may have left, and ends what ended before now.</summary>
    private DateTimeOffset Now()
    {
        if (_writer is { Broken: true })
            throw new Orleans.Storage.InconsistentStateException($"Credit wallet {TenantId} is reloading after a failed write; retry.", null, (string?)null);
        var now = TimeProvider.GetUtcNow();
        _changed = false;
        EndDue(now);
        return now;
    }

    /// <summary>Ends the turn: tells a low-balance crossing, writes what changed (or waits for what is in flight), and keeps the reminder.</summary>
    private async Task FinishAsync(DateTimeOffset now)
    {
        EndDue(now); // a grant given already expired leaves at once
        if (CreditRules.LowBalanceEvent(State, Book.Free) is { } type)
        {
            Writer.Add(TenantEvents.Record(TenantId, type, now,
                new { available = Book.Free, threshold = State.LowBalanceBelow, balance = Book.Balance, held = Book.Held }));
            _changed = true;
        }
        await (_changed ? Writer.WriteAsync() : Writer.DurableAsync());
        if (!_reminderOn && Book.NextEnd is not null) await KeepReminderAsync();
    }

    private void EndDue(DateTimeOffset now)
    {
        if (Book.EndDue(now) is not { } ended) return;
        foreach (var entry in ended) Ledger(entry);
    }

    private WalletResult Add(CreditGrant grant, AuditActor actor, DateTimeOffset now)
    {
        var kind = grant.Source == CreditSources.Adjustment ? CreditLedger.Adjustment : CreditLedger.Grant;
        string? grantId = null;
        if (grant.Amount < 0)
        {
            if (-grant.Amount > Book.Free) return new WalletResult(WalletOutcome.Insufficient, Book.Totals);
            Book.Take(-grant.Amount);
        }
        else if (!Book.Fits(grant.Amount)) return new WalletResult(WalletOutcome.Overflow, Book.Totals);
        else grantId = Book.Add(grant.Source, grant.Priority, grant.ExpiresAt, grant.Amount).Id;
        Ledger(Entry(kind, now, grant.Amount, 0, actor) with
            { GrantId = grantId, Source = grant.Source, IdempotencyKey = grant.IdempotencyKey, Reason = grant.Reason });
        var after = new { grantId, credits = grant.Amount, grant.Source, grant.Priority, grant.ExpiresAt, grant.Reason };
        Writer.Add(AuditJournal.Record(actor, now, TenantId, grant.Amount < 0 ? "credits.adjusted" : "credits.granted", "creditGrant",
            grantId ?? TenantId, after: after));
        if (grantId is not null)
            Writer.Add(TenantEvents.Record(TenantId, TenantEventTypes.CreditsGranted, now,
                new { grantId, credits = grant.Amount, grant.Source, grant.ExpiresAt, balance = Book.Balance, available = Book.Free }));
        return new WalletResult(WalletOutcome.Done, Book.Totals, grant.Amount, grantId);
    }

    /// <summary>The answer for a reservation that is not live: ended if this wallet made it, unknown otherwise.</summary>
    private WalletResult? Ended(string reservationId, CreditIds ids) =>
        Book.Hold(reservationId) is not null ? null
        : new WalletResult(ids.IsReservation(TenantId, reservationId) ? WalletOutcome.ReservationEnded : WalletOutcome.UnknownReservation, Book.Totals);

    private CreditLedgerEntry Entry(string kind, DateTimeOffset at, long credits, long held, AuditActor actor) =>
        new(at, kind, credits, held, Book.Balance, Book.Held, new AuditEntryActor(actor.Type, actor.Id));

    private void Ledger(CreditLedgerEntry entry)
    {
        Writer.Add(new JournalRecord(CreditLedger.Stream, TenantId, entry.Kind, entry.At, JsonSerializer.Serialize(entry, CreditJson.Default.CreditLedgerEntry)));
        _changed = true;
    }

    /// <summary>Records a keyed answer or a spend's shares, to be stored by the next write.</summary>
    private void Keep(string key, WalletEntry kept, DateTimeOffset now)
    {
        Memory.Remember(key, kept, now);
        Writer.Add(new StateEntry(key, JsonSerializer.Serialize(kept, CreditJson.Default.WalletEntry), kept.Until));
        _changed = true;
    }

    private void KeepSpend(string spendId, WalletEntry spent, DateTimeOffset now) => Keep(SpendEntry(spendId), spent, now);

    private async Task<CreditIds> IdsAsync() => _ids ??= new CreditIds(await idKey.SecretAsync());

    /// <summary>Keeps a reminder while anything ends, registered once per activation; a failure is tried again by the next call.</summary>
    private async Task KeepReminderAsync()
    {
        _reminderOn = true;
        try
        {
            var period = options.Value.ReminderPeriod;
            await this.RegisterOrUpdateReminder(ReminderName, period, period);
        }
        catch (Exception exception)
        {
            _reminderOn = false;
            logger.LogWarning(exception, "Credit wallet {TenantId} could not register its reminder; the next call tries again.", TenantId);
        }
    }

    /// <summary>Tells the tenant's auto top-up after a durable spend left the balance low; the spend stands whatever it answers.</summary>
    private async Task AskForTopUpAsync(long available)
    {
        try
        {
            await GrainFactory.GetGrain<IAutoTopUpGrain>(TenantId).BalanceLow(available);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Credit wallet {TenantId} could not ask for an automatic top-up.", TenantId);
        }
    }

    private CreditWalletState Snapshot()
    {
        var snapshot = new CreditWalletState { LowBalanceBelow = State.LowBalanceBelow, LowAlerted = State.LowAlerted, AutoTopUpBelow = State.AutoTopUpBelow };
        Book.CopyTo(snapshot);
        return snapshot;
    }

    /// <summary>Stores a snapshot with the batch; on commit, what it carried is durable.</summary>
    private async Task WriteStateAsync(IReadOnlyList<JournalRecord> records, IReadOnlyList<StateEntry> written)
    {
        var through = _memory?.Changes ?? 0;
        await _wallet.WriteSnapshotAsync(Snapshot(), records, written); // later changes wait for the next batch
        _memory?.DurableThrough(through);
    }
}
