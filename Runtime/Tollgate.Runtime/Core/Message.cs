namespace Tollgate.Runtime.Core;

/// <summary>One call waiting in, or running from, an activation's mailbox.</summary>
internal abstract class Message(GrainId target, GrainMethod method, object?[] arguments, CallChain? chain)
{
    public GrainId Target { get; } = target;
    public GrainMethod Method { get; } = method;
    public object?[] Arguments { get; } = arguments;

    /// <summary>The activations waiting further up the chain of calls that led here.</summary>
    public CallChain? Chain { get; } = chain;

    public abstract Task RunAsync(object grain);
    public abstract void Fail(Exception exception);
}

internal sealed class Message<TResult>(GrainId target, GrainMethod method, object?[] arguments, CallChain? chain)
    : Message(target, method, arguments, chain)
{
    // Continuations run asynchronously so a caller never runs inline on the activation's thread.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Completion => _completion.Task;

    public override async Task RunAsync(object grain)
    {
        try
        {
            var task = Method.Invoke(grain, Arguments);
            await task;
            _completion.TrySetResult(task is Task<TResult> typed ? typed.Result : default!);
        }
        catch (Exception exception)
        {
            _completion.TrySetException(exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>Result type of calls to methods that return a plain <see cref="Task"/>.</summary>
internal readonly struct VoidResult;

/// <summary>
/// An immutable list of the turns a call chain passed through, newest first. Each turn has its own
/// link, so a chain identifies the exact turns waiting on it.
/// </summary>
internal sealed class CallChain(GrainId grain, CallChain? parent)
{
    public GrainId Grain { get; } = grain;
    public CallChain? Parent { get; } = parent;

    /// <summary>True when <paramref name="turn"/> is this link or one of its ancestors.</summary>
    public bool Contains(CallChain turn)
    {
        for (var link = this; link is not null; link = link.Parent)
            if (ReferenceEquals(link, turn)) return true;
        return false;
    }

    public override string ToString()
    {
        var names = new List<string>();
        for (var link = this; link is not null; link = link.Parent) names.Add(link.Grain.ToString());
        names.Reverse();
        return string.Join(" -> ", names);
    }
}

/// <summary>The turn the current code runs in, flowing with the async context.</summary>
internal static class RuntimeContext
{
    private static readonly AsyncLocal<CallChain?> s_chain = new();

    /// <summary>The chain of the turn running here, ending with the grain that runs it; null outside grains.</summary>
    public static CallChain? Current
    {
        get => s_chain.Value;
        set => s_chain.Value = value;
    }
}
