using System.Net.Sockets;

/// <summary>
/// Run by the .NET host before a server's Main when <c>DOTNET_STARTUP_HOOKS</c> names this assembly (the
/// host looks for this type name, outside any namespace). With <c>TOLLGATE_BENCH_ALLOCATION_SOCKET</c> set,
/// it answers each connection to that Unix socket with the bytes the process has allocated so far
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, 8 bytes), and does nothing else: nothing per request.
/// </summary>
public static class StartupHook
{
    public const string SocketVariable = "TOLLGATE_BENCH_ALLOCATION_SOCKET";

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(SocketVariable) is not { Length: > 0 } socketPath) return;
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen();
        var thread = new Thread(() =>
        {
            while (true)
            {
                using var client = listener.Accept();
                client.Send(BitConverter.GetBytes(GC.GetTotalAllocatedBytes(precise: true)));
            }
        })
        { IsBackground = true, Name = "bench allocation probe" };
        thread.UnsafeStart();
    }
}
