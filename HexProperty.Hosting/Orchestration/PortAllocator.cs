using System.Net;
using System.Net.Sockets;

namespace HexProperty.Hosting.Orchestration;

/// <summary>Finds free loopback ports, never handing out the same one twice in a process.</summary>
internal static class PortAllocator
{
    private static readonly HashSet<int> Given = [];

    public static int GetFreePort()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static bool IsFree(int port)
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
