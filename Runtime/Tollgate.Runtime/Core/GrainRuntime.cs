using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Reminders;
using Tollgate.Runtime.Storage;

namespace Tollgate.Runtime.Core;

/// <summary>The grain factory and call dispatcher of one silo.</summary>
public sealed class GrainRuntime : IGrainFactory
{
    private volatile bool _stopped;

    internal GrainRuntime(
        IServiceProvider services,
        GrainTypeRegistry types,
        IOptions<GrainRuntimeOptions> options,
        IStorageProvider storage,
        GrainStateSerializer serializer,
        TimeProvider timeProvider,
        ILogger<GrainRuntime> logger)
    {
        Services = services;
        Types = types;
        Options = options.Value;
        Storage = storage;
        Serializer = serializer;
        TimeProvider = timeProvider;
        Logger = logger;
        Catalog = new Catalog(this);
        Reminders = new ReminderRegistry(storage.Reminders, Options, timeProvider);
    }

    internal IServiceProvider Services { get; }
    internal GrainTypeRegistry Types { get; }
    internal GrainRuntimeOptions Options { get; }
    internal IStorageProvider Storage { get; }
    internal GrainStateSerializer Serializer { get; }
    internal TimeProvider TimeProvider { get; }
    internal ILogger Logger { get; }
    internal Catalog Catalog { get; }
    internal ReminderRegistry Reminders { get; }

    /// <summary>The number of live activations.</summary>
    public int ActivationCount => Catalog.Count;

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return GrainProxy.Create<TGrainInterface>(this, Types.GetClass(typeof(TGrainInterface)), key);
    }

    /// <summary>Delivers a reminder tick to a grain as a normal turn.</summary>
    internal Task DeliverReminderAsync(GrainId grainId, string reminderName, TickStatus status) =>
        InvokeAsync<VoidResult>(grainId, Types.ReceiveReminder, [reminderName, status]);

    internal Task<TResult> InvokeAsync<TResult>(GrainId target, GrainMethod method, object?[] arguments)
    {
        var message = new Message<TResult>(target, method, arguments, RuntimeContext.Current);
        Dispatch(message);
        var completion = message.Completion;
        return completion.IsCompleted || Options.ResponseTimeout == Timeout.InfiniteTimeSpan
            ? completion
            : WithResponseTimeout(completion, message);
    }

    private async Task<TResult> WithResponseTimeout<TResult>(Task<TResult> completion, Message message)
    {
        try
        {
            return await completion.WaitAsync(Options.ResponseTimeout, TimeProvider);
        }
        catch (TimeoutException) when (!completion.IsCompleted)
        {
            throw new TimeoutException(
                $"{message.Target} did not answer {message.Method.Name} within {Options.ResponseTimeout}. The call may still run.");
        }
    }

    /// <summary>Puts a message in the mailbox of the target's activation, activating it if needed.</summary>
    internal void Dispatch(Message message)
    {
        if (_stopped)
        {
            message.Fail(new SiloUnavailableException($"The silo has stopped; {message.Method.Name} on {message.Target} was not delivered."));
            return;
        }
        var grainClass = Types.FindClass(message.Target.Type);
        if (grainClass is null)
        {
            message.Fail(new InvalidOperationException($"No grain class has the type name '{message.Target.Type}'."));
            return;
        }
        var activation = Catalog.GetOrCreate(message.Target, grainClass);
        if (!activation.TryEnqueue(message))
            // The activation is closing; once it is gone the message goes to a fresh one.
            activation.Closed.ContinueWith(static (_, state) =>
            {
                var (runtime, retry) = ((GrainRuntime, Message))state!;
                runtime.Dispatch(retry);
            }, (this, message), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Creates the grain object, building each <see cref="PersistentStateAttribute"/> parameter.</summary>
    internal object CreateGrainInstance(Activation activation, List<IStateLoader> states)
    {
        var grainClass = activation.GrainClass;
        var arguments = new object?[grainClass.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = grainClass.Parameters[i];
            if (parameter.PersistentStateType is { } stateType)
            {
                var state = (IStateLoader)Activator.CreateInstance(stateType,
                    activation, new GrainStateKey(grainClass.Name, activation.GrainId.Key, parameter.StateName!), Storage.GrainStorage, Serializer)!;
                states.Add(state);
                arguments[i] = state;
            }
            else
            {
                arguments[i] = Services.GetRequiredService(parameter.ServiceType);
            }
        }
        return grainClass.Constructor.Invoke(arguments);
    }

    /// <summary>
    /// Lets every activation finish what is queued, deactivates it, then refuses new calls.
    /// Returns false when the timeout passed first.
    /// </summary>
    internal async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ShutdownTimeout);
        var drained = await Catalog.DeactivateAllAsync(timeout.Token);
        _stopped = true;
        Catalog.Dispose();
        return drained;
    }
}
