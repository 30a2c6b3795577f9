using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;

namespace Tollgate.Runtime.Core;

/// <summary>A grain class as the runtime sees it: its stored type name, constructor and flags.</summary>
internal sealed class GrainClass
{
    public GrainClass(Type type)
    {
        Type = type;
        Name = type.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? type.Name;
        IsReentrant = type.IsDefined(typeof(ReentrantAttribute), inherit: false);
        var constructors = type.GetConstructors();
        Constructor = constructors.Length == 1
            ? constructors[0]
            : throw new InvalidOperationException($"Grain class {type} must have exactly one public constructor.");
        _parameters = new Lazy<GrainParameter[]>(() => Constructor.GetParameters().Select(p => GrainParameter.For(type, p)).ToArray());
    }

    private readonly Lazy<GrainParameter[]> _parameters;

    public Type Type { get; }
    public string Name { get; }
    public bool IsReentrant { get; }
    public ConstructorInfo Constructor { get; }

    /// <summary>What each constructor parameter receives; worked out on first activation, then reused.</summary>
    public GrainParameter[] Parameters => _parameters.Value;
}

/// <summary>A grain constructor parameter: a persistent state (its name and state class) or a service.</summary>
internal sealed record GrainParameter(Type ServiceType, string? StateName, Type? PersistentStateType)
{
    public static GrainParameter For(Type grainClass, ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is not { } state) return new GrainParameter(parameter.ParameterType, null, null);
        var type = parameter.ParameterType;
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IPersistentState<>)
            ? new GrainParameter(type, state.StateName, typeof(PersistentState<>).MakeGenericType(type.GetGenericArguments()[0]))
            : throw new InvalidOperationException($"{grainClass}: [PersistentState] parameter '{parameter.Name}' must be IPersistentState<T>.");
    }
}

/// <summary>One method of a grain interface with a compiled invoker: no reflection per call.</summary>
internal sealed class GrainMethod
{
    public GrainMethod(MethodInfo method)
    {
        Method = method;
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: false);
        var returnType = method.ReturnType;
        if (returnType == typeof(Task)) ResultType = null;
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)) ResultType = returnType.GetGenericArguments()[0];
        else throw new InvalidOperationException(
            $"{method.DeclaringType}.{method.Name} returns {returnType}; grain methods must return Task or Task<T>.");
        if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
            throw new InvalidOperationException($"{method.DeclaringType}.{method.Name} has a ref or out parameter; grain methods cannot.");
        Invoke = CompileInvoker(method);
        Name = $"{method.DeclaringType!.Name}.{method.Name}";
    }

    public MethodInfo Method { get; }
    public string Name { get; }
    public bool AlwaysInterleave { get; }
    public Type? ResultType { get; }
    public Func<object, object?[], Task> Invoke { get; }

    private static Func<object, object?[], Task> CompileInvoker(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var arguments = method.GetParameters().Select((p, i) =>
            Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, arguments);
        return Expression.Lambda<Func<object, object?[], Task>>(Expression.Convert(call, typeof(Task)), grain, args).Compile();
    }
}

/// <summary>Maps grain interfaces to their implementations, built once at start-up.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, GrainClass> _classByInterface;
    private readonly FrozenDictionary<Type, string> _ambiguousInterfaces;
    private readonly FrozenDictionary<string, GrainClass> _classByName;
    private readonly FrozenDictionary<MethodInfo, GrainMethod> _methods;

    public GrainTypeRegistry(IEnumerable<Type> grainClasses)
    {
        var implementers = new Dictionary<Type, List<GrainClass>>();
        var byName = new Dictionary<string, GrainClass>(StringComparer.Ordinal);
        var methods = new Dictionary<MethodInfo, GrainMethod>();
        foreach (var type in grainClasses.Distinct())
        {
            if (!typeof(Grain).IsAssignableFrom(type) || type.IsAbstract)
                throw new InvalidOperationException($"{type} is not a concrete Grain.");
            var grainClass = new GrainClass(type);
            if (!byName.TryAdd(grainClass.Name, grainClass))
                throw new InvalidOperationException($"Two grain classes share the type name '{grainClass.Name}': {byName[grainClass.Name].Type} and {type}.");
            foreach (var grainInterface in type.GetInterfaces().Where(IsGrainInterface))
            {
                (implementers.TryGetValue(grainInterface, out var list) ? list : implementers[grainInterface] = []).Add(grainClass);
                foreach (var method in grainInterface.GetMethods(BindingFlags.Public | BindingFlags.Instance)) // static interface members are helpers, not calls
                    methods.TryAdd(method, new GrainMethod(method));
            }
        }
        // An interface several classes implement (a shared base interface) cannot be asked for directly.
        _classByInterface = implementers.Where(i => i.Value.Count == 1).ToFrozenDictionary(i => i.Key, i => i.Value[0]);
        _ambiguousInterfaces = implementers.Where(i => i.Value.Count > 1).ToFrozenDictionary(i => i.Key, i => string.Join(", ", i.Value.Select(c => c.Type)));
        _classByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _methods = methods.ToFrozenDictionary();
        var receiveReminder = typeof(IRemindable).GetMethod(nameof(IRemindable.ReceiveReminder))!;
        ReceiveReminder = _methods.GetValueOrDefault(receiveReminder) ?? new GrainMethod(receiveReminder);
    }

    public GrainMethod ReceiveReminder { get; }

    public IEnumerable<GrainClass> Classes => _classByName.Values;

    public GrainClass GetClass(Type grainInterface) =>
        _classByInterface.TryGetValue(grainInterface, out var grainClass) ? grainClass
        : _ambiguousInterfaces.TryGetValue(grainInterface, out var classes)
            ? throw new InvalidOperationException($"{grainInterface} is implemented by several grain classes ({classes}); ask for an interface only one of them implements.")
            : throw new InvalidOperationException($"No grain class implements {grainInterface}. Register its assembly with AddGrains.");

    public GrainClass? FindClass(string grainTypeName) => _classByName.GetValueOrDefault(grainTypeName);

    public GrainMethod GetMethod(MethodInfo method) =>
        _methods.TryGetValue(method, out var grainMethod)
            ? grainMethod
            : throw new InvalidOperationException($"{method.DeclaringType}.{method.Name} is not a method of a registered grain interface.");

    private static bool IsGrainInterface(Type type) =>
        type.IsInterface && typeof(IGrain).IsAssignableFrom(type)
        && type != typeof(IGrain) && type != typeof(IGrainWithStringKey);
}
