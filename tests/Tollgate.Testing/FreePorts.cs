using System.Net;
using System.Net.Sockets;

namespace Tollgate.Testing;

/// <summary>
/// Ports for silos, mail servers and HTTP listeners started by tests, reserved across every test
/// process on the machine. A port the kernel hands out for port 0 is only free until it is closed:
/// another test assembly running at the same time, or any outgoing connection, may take it before
/// the silo binds it. So ports come from below the kernel's ephemeral range (which outgoing
/// connections draw from), and each is held by a lock file that this process keeps open until it
/// exits; the operating system releases the lock of a process that dies, so nothing goes stale.
/// </summary>
public static class FreePorts
{
    private const int First = 20000;
    private const int Count = 12000; // up to 31999, below Linux's default ephemeral range (32768-60999)

    private static readonly string s_directory = Path.Combine(Path.GetTempPath(), "tollgate-test-ports");
    private static readonly List<FileStream> s_held = [];
    private static readonly Lock s_lock = new();
    private static int s_next = Random.Shared.Next(Count);

    public static int Next()
    {
        Directory.CreateDirectory(s_directory);
        lock (s_lock)
        {
            for (var tried = 0; tried < Count; tried++)
            {
                var port = First + s_next;
                s_next = (s_next + 1) % Count;
                if (Reserve(port) is not { } held) continue;
                if (Bindable(port))
                {
                    s_held.Add(held);
                    return port;
                }
                held.Dispose(); // something outside the tests listens there
            }
        }
        throw new InvalidOperationException($"No free port left between {First} and {First + Count - 1}.");
    }

    /// <summary>
    /// The port's lock file, held exclusively (.NET takes an advisory lock for FileShare.None), or null when another process holds it.
    /// </summary>
    private static FileStream? Reserve(int port)
    {
        try
        {
            return new FileStream(Path.Combine(s_directory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
