namespace Tollgate.Runtime;

/// <summary>Marker for grain interfaces. Every method must return <see cref="Task"/> or <see cref="Task{TResult}"/>.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key, the only kind of key Tollgate uses.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Identity of a grain: its stable type name and its key.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}
