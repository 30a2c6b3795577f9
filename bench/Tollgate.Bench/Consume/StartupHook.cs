using Tollgate.Bench.Consume;

/// <summary>
/// Run by the .NET host before a server's Main when <c>DOTNET_STARTUP_HOOKS</c> names this assembly
/// (the host looks for this type name, outside any namespace): serves <see cref="AllocationProbe"/>.
/// </summary>
public static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(AllocationProbe.SocketVariable) is { Length: > 0 } socketPath) AllocationProbe.Serve(socketPath);
    }
}
