using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Grains.Journal;

/// <summary>Base of Tollgate's grains: the clock comes from DI, so tests can move it.</summary>
public abstract class TollgateGrain : Grain
{
    private TimeProvider? _timeProvider;

    protected TimeProvider TimeProvider => _timeProvider ??= ServiceProvider.GetRequiredService<TimeProvider>();
}
