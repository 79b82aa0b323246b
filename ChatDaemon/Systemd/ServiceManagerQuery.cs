using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace ChatDaemon.Systemd;

/// <summary>
/// Asks systemd about this process's own unit over the system bus (org.freedesktop.systemd1(5)): the unit of
/// this process (<c>Manager.GetUnitByPID</c>), then one of its properties. A stop is told from a restart the
/// way systemctl would see it: the unit's queued job (<c>Unit.Job</c>) and that job's <c>JobType</c>; while a
/// restart's stop half runs, the job is still of type "restart" (systemd turns it into a start only once the
/// service is down). Works on systemd 252 (FileDescriptorStorePreserve=, which would make the question moot,
/// needs 254, as does the $FDSTORE variable that would tell <c>FileDescriptorStoreMax=</c>). Never throws:
/// what cannot be asked is unknown, and logged.
/// </summary>
public sealed class ServiceManagerQuery(ILogger<ServiceManagerQuery> logger) : IServiceManagerQuery
{
    private const string Systemd1 = "org.freedesktop.systemd1";
    private const string Properties = "org.freedesktop.DBus.Properties";

    /// <summary>The bus to ask; null for the system bus (DBUS_SYSTEM_BUS_ADDRESS, or its well-known socket).</summary>
    public string? BusAddress { get; init; }

    public async Task<ServiceJob> GetJobAsync(TimeSpan timeout) =>
        await AskAsync(QueryJobAsync, timeout, reason => SystemdLog.ServiceJobUnknown(logger, reason)).ConfigureAwait(false) ?? ServiceJob.Unknown;

    public async Task<uint?> GetFileDescriptorStoreMaxAsync(TimeSpan timeout) =>
        await AskAsync<uint>(QueryFileDescriptorStoreMaxAsync, timeout, reason => SystemdLog.FileDescriptorStoreMaxUnknown(logger, reason)).ConfigureAwait(false);

    private async Task<T?> AskAsync<T>(Func<DBusConnection, string, Task<T>> query, TimeSpan timeout, Action<string> logFailure)
        where T : struct
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            return await RunAsync(query).WaitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            logFailure($"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception exception) when (exception is DBusExceptionBase or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            logFailure(exception.Message);
        }

        return null;
    }

    /// <summary>systemd's job type names (src/core/job.c job_type_table).</summary>
    internal static ServiceJob Classify(string jobType) => jobType switch
    {
        "stop" => ServiceJob.Stop,
        "restart" or "try-restart" or "reload-or-restart" or "try-reload-or-restart" => ServiceJob.Restart,
        _ => ServiceJob.Other,
    };

    /// <summary>Connects, finds this process's unit (GetUnitByPID), and asks <paramref name="query"/> about it.</summary>
    private async Task<T> RunAsync<T>(Func<DBusConnection, string, Task<T>> query)
    {
        string address = BusAddress ?? DBusAddress.System ?? throw new InvalidOperationException("no system bus address");
        using var connection = new DBusConnection(address);
        await connection.ConnectAsync().ConfigureAwait(false);

        string unit = await connection.CallMethodAsync(
            GetUnitByPid(connection, (uint)Environment.ProcessId),
            static (message, _) => message.GetBodyReader().ReadObjectPathAsString()).ConfigureAwait(false);
        return await query(connection, unit).ConfigureAwait(false);
    }

    private static async Task<uint> QueryFileDescriptorStoreMaxAsync(DBusConnection connection, string unit) =>
        await connection.CallMethodAsync(
            GetProperty(connection, unit, Systemd1 + ".Service", "FileDescriptorStoreMax"),
            static (message, _) => message.GetBodyReader().ReadVariantValue().GetUInt32()).ConfigureAwait(false);

    private static async Task<ServiceJob> QueryJobAsync(DBusConnection connection, string unit)
    {
        var (jobId, jobPath) = await connection.CallMethodAsync(
            GetProperty(connection, unit, Systemd1 + ".Unit", "Job"),
            static (message, _) =>
            {
                var job = message.GetBodyReader().ReadVariantValue();
                return (job.GetItem(0).GetUInt32(), job.GetItem(1).GetObjectPathAsString());
            }).ConfigureAwait(false);
        if (jobId == 0)
        {
            return ServiceJob.None;
        }

        string jobType = await connection.CallMethodAsync(
            GetProperty(connection, jobPath, Systemd1 + ".Job", "JobType"),
            static (message, _) => message.GetBodyReader().ReadVariantValue().GetString()).ConfigureAwait(false);
        return Classify(jobType);
    }

    private static MessageBuffer GetUnitByPid(DBusConnection connection, uint pid)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Systemd1, path: "/org/freedesktop/systemd1", @interface: Systemd1 + ".Manager", member: "GetUnitByPID", signature: "u");
        writer.WriteUInt32(pid);
        return writer.CreateMessage();
    }

    private static MessageBuffer GetProperty(DBusConnection connection, string path, string @interface, string property)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: Systemd1, path: path, @interface: Properties, member: "Get", signature: "ss");
        writer.WriteString(@interface);
        writer.WriteString(property);
        return writer.CreateMessage();
    }
}
