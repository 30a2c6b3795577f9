using System.Net.Sockets;

namespace Tollgate.Bench.Consume;

/// <summary>
/// The bytes a server process has allocated so far, asked of the process itself: every server the
/// consume suite starts (baseline, floor, both silo builds) loads Tollgate.Bench.AllocationHook as a
/// startup hook, which answers on a Unix socket. The runtime's own count
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, what <c>dotnet-counters</c> shows as the allocation
/// rate), read only when asked, so it costs the server nothing per request.
/// </summary>
public static class AllocationProbe
{
    public const string SocketVariable = StartupHook.SocketVariable;

    /// <summary>The environment that makes a .NET process answer on <paramref name="socketPath"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment(string socketPath) =>
    [
        new("DOTNET_STARTUP_HOOKS", typeof(StartupHook).Assembly.Location),
        new(SocketVariable, socketPath),
    ];

    /// <summary>The bytes allocated by the process answering on <paramref name="socketPath"/>; null when none answers.</summary>
    public static long? Read(string socketPath)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            var answer = new byte[sizeof(long)];
            for (var read = 0; read < answer.Length;)
            {
                var received = socket.Receive(answer, read, answer.Length - read, SocketFlags.None);
                if (received == 0) return null;
                read += received;
            }
            return BitConverter.ToInt64(answer);
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
