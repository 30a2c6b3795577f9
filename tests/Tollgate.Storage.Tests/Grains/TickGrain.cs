namespace Tollgate.Storage.Tests.Grains;

public sealed class TickGrain : Grain, ITickGrain, IRemindable
{
    private int _ticks;

    public async Task StartAsync(TimeSpan period) => await this.RegisterOrUpdateReminder("tick", period, period);

    public Task<int> GetTicksAsync() => Task.FromResult(_ticks);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks++;
        return Task.CompletedTask;
    }
}
