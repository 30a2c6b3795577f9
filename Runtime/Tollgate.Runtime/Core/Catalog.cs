using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime.Core;

/// <summary>The silo's activations by grain id, and the collector of idle ones.</summary>
internal sealed class Catalog : IDisposable
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly GrainRuntime _runtime;
    private readonly ITimer _collector;

    public Catalog(GrainRuntime runtime)
    {
        _runtime = runtime;
        var interval = runtime.Options.IdleCollectionInterval;
        _collector = runtime.TimeProvider.CreateTimer(_ => CollectIdle(), null, interval, interval);
    }

    public int Count => _activations.Count;

    public Activation GetOrCreate(GrainId id, GrainClass grainClass) =>
        _activations.GetOrAdd(id, static (id, state) => new Activation(state.runtime, state.grainClass, id), (runtime: _runtime, grainClass));

    public void Remove(Activation activation) =>
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));

    private void CollectIdle()
    {
        var age = _runtime.Options.IdleDeactivationAge;
        foreach (var activation in _activations.Values)
            if (activation.IdleTime >= age)
                activation.RequestDeactivation(DeactivationReason.Idle);
    }

    /// <summary>Drains and deactivates everything, including activations created while draining.</summary>
    public async Task<bool> DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _collector.Dispose();
        try
        {
            while (!_activations.IsEmpty)
            {
                var activations = _activations.Values.ToArray();
                foreach (var activation in activations)
                    activation.RequestDeactivation(DeactivationReason.ShuttingDown, drainMailbox: true);
                await Task.WhenAll(activations.Select(a => a.Closed)).WaitAsync(cancellationToken);
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            _runtime.Logger.LogWarning("Shutdown timed out with {Count} activations still busy", _activations.Count);
            return false;
        }
    }

    public void Dispose() => _collector.Dispose();
}
