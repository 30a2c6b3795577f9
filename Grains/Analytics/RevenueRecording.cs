namespace Tollgate.Grains.Analytics;

/// <summary>
/// Where a grain's revenue movements go when its change makes them: into the state's pending list (for
/// <see cref="RevenueDelivery"/> to hand to the month grains) and, as journal records (<see cref="RevenueJournal"/>), into the
/// same write, so a movement is journaled if and only if its change was committed.
/// </summary>
public static class RevenueRecording
{
    public static void Record<TState>(this StateWithRecords<TState> store, List<RevenueMovement> pending,
        IEnumerable<RevenueMovement> movements, DateTimeOffset now) where TState : class, new()
    {
        foreach (var movement in movements)
        {
            pending.Add(movement);
            store.AddToNextWrite(new JournalRecord(RevenueJournal.Stream, movement.Currency, movement.Month, now,
                RevenueJournal.Payload(movement)));
        }
    }
}
