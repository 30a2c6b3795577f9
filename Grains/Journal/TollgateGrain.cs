using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Grains.Journal;

/// <summary>Base of Tollgate's grains: the clock is Tollgate's (<see cref="DomainClock"/>), so tests can move it.</summary>
public abstract class TollgateGrain : Grain
{
    private TimeProvider? _timeProvider;

    protected TimeProvider TimeProvider => _timeProvider ??= ServiceProvider.GetRequiredKeyedService<TimeProvider>(DomainClock.Key);
}
