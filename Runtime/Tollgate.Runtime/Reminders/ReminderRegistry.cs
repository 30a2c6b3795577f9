using Tollgate.Runtime.Core;

namespace Tollgate.Runtime.Reminders;

internal sealed record GrainReminder(string ReminderName) : IGrainReminder;

/// <summary>What a grain's reminder calls do: validate, then read or write the reminder table.</summary>
internal sealed class ReminderRegistry(IReminderTable table, GrainRuntimeOptions options, TimeProvider timeProvider)
{
    public async Task<IGrainReminder> RegisterOrUpdateAsync(Activation activation, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!typeof(IRemindable).IsAssignableFrom(activation.GrainClass.Type))
            throw new InvalidOperationException($"{activation.GrainClass.Type} registers reminder '{name}' but does not implement IRemindable.");
        if (period < options.ReminderMinimumPeriod)
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"Reminder period must be at least {options.ReminderMinimumPeriod} (Runtime:ReminderMinimumPeriod).");
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        await table.UpsertAsync(activation.GrainId, name, timeProvider.GetUtcNow() + dueTime, period);
        return new GrainReminder(name);
    }

    public Task UnregisterAsync(GrainId grain, string name) => table.RemoveAsync(grain, name);

    public async Task<IGrainReminder?> GetAsync(GrainId grain, string name) =>
        (await table.ReadAsync(grain)).Where(r => r.Name == name).Select(r => new GrainReminder(r.Name)).FirstOrDefault();

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grain) =>
        (await table.ReadAsync(grain)).Select(r => (IGrainReminder)new GrainReminder(r.Name)).ToList();
}
