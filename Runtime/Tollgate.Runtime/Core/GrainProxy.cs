using System.Collections.Concurrent;
using System.Reflection;

namespace Tollgate.Runtime.Core;

/// <summary>A grain reference: a <see cref="DispatchProxy"/> that turns interface calls into messages.</summary>
public class GrainProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<GrainRuntime, GrainId, GrainMethod, object?[], Task>> s_dispatchers = new();
    private static readonly MethodInfo s_invokeAsync = typeof(GrainRuntime).GetMethod(nameof(GrainRuntime.InvokeAsync), BindingFlags.Instance | BindingFlags.NonPublic)!;

    private GrainRuntime _runtime = null!;
    private GrainId _grainId;

    internal static TInterface Create<TInterface>(GrainRuntime runtime, GrainClass grainClass, string key)
    {
        var self = (GrainProxy)Prototype<TInterface>.Instance.MemberwiseClone();
        self._runtime = runtime;
        self._grainId = new GrainId(grainClass.Name, key);
        return (TInterface)(object)self;
    }

    // DispatchProxy.Create binds the generated type's constructor through reflection on every
    // call; a copy of one instance per interface is a single allocation.
    private static class Prototype<TInterface>
    {
        public static readonly GrainProxy Instance = (GrainProxy)(object)Create<TInterface, GrainProxy>()!;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = _runtime.Types.GetMethod(targetMethod);
        var dispatch = s_dispatchers.GetOrAdd(targetMethod, static (_, m) => CreateDispatcher(m), method);
        return dispatch(_runtime, _grainId, method, args ?? []);
    }

    private static Func<GrainRuntime, GrainId, GrainMethod, object?[], Task> CreateDispatcher(GrainMethod method)
    {
        var generic = s_invokeAsync.MakeGenericMethod(method.ResultType ?? typeof(VoidResult));
        var typed = generic.CreateDelegate(typeof(Func<,,,,>).MakeGenericType(
            typeof(GrainRuntime), typeof(GrainId), typeof(GrainMethod), typeof(object?[]), generic.ReturnType));
        // Func<..., Task<T>> is assignable to Func<..., Task> through return-type covariance.
        return (Func<GrainRuntime, GrainId, GrainMethod, object?[], Task>)typed;
    }

    public override string ToString() => $"GrainReference({_grainId})";
}
