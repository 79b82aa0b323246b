using System.Collections.Concurrent;
using System.Net;
using ChatDaemon.Configuration;
using Microsoft.Extensions.Options;

namespace ChatDaemon.Networking;

/// <summary>
/// Counts connections in all and per remote address, and admits or refuses new ones
/// against <see cref="LimitsOptions"/> as they are at that moment (a reload applies to new connections).
/// </summary>
public sealed class ConnectionAdmission(IOptionsMonitor<LimitsOptions> limits)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public AdmissionResult TryAdmit(IPAddress? address)
    {
        var current = limits.CurrentValue;
        int total = Interlocked.Increment(ref _total);
        if (current.MaxConnections > 0 && total > current.MaxConnections)
        {
            Interlocked.Decrement(ref _total);
            return AdmissionResult.ServerFull;
        }

        if (address is null)
        {
            return AdmissionResult.Admitted;
        }

        int fromAddress = _perAddress.AddOrUpdate(address, 1, static (_, n) => n + 1);
        if (current.MaxConnectionsPerAddress > 0 && fromAddress > current.MaxConnectionsPerAddress)
        {
            ReleaseAddress(address);
            Interlocked.Decrement(ref _total);
            return AdmissionResult.TooManyFromAddress;
        }

        return AdmissionResult.Admitted;
    }

    public void Release(IPAddress? address)
    {
        if (address is not null)
        {
            ReleaseAddress(address);
        }

        Interlocked.Decrement(ref _total);
    }

    private void ReleaseAddress(IPAddress address)
    {
        while (true)
        {
            int n = _perAddress.GetValueOrDefault(address);
            if (n <= 1)
            {
                // Remove only if nobody raised it meanwhile, so the table does not grow with every address ever seen.
                if (_perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, n)))
                {
                    return;
                }
            }
            else if (_perAddress.TryUpdate(address, n - 1, n))
            {
                return;
            }
        }
    }
}
