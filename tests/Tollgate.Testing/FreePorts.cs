using System.Net;
using System.Net.Sockets;

namespace Tollgate.Testing;

/// <summary>Ports nothing listens on, so silos started side by side in one test run do not collide.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
