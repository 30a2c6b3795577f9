using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Grains.Journal;

/// <summary>Base of Tollgate's grains: the clock is Tollgate's (<see cref="DomainClock"/>), so tests can move it.</summary>
public abstract class TollgateGrain : Grain
{
    private TimeProvider? _timeProvider;

    protected TimeProvider TimeProvider => _timeProvider ??= ServiceProvider.GetRequiredKeyedService<TimeProvider>(DomainClock.Key);

    /// <summary>
    /// Answers a call that found nothing stored under this grain's key, a key a caller may make up
    /// (an API key, a refresh token, a tenant id): the activation holds nothing, so it goes as soon
    /// as it is idle rather than after the collection age, and a flood of made-up keys leaves no
    /// activations behind.
    /// </summary>
    protected T NothingHeld<T>(T answer)
    {
        DeactivateOnIdle();
        return answer;
    }
}
