using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace ChatDaemon.Systemd;

/// <summary>
/// Tells a stop from a restart the way systemctl itself would see it: over the system bus, the unit of this
/// process (<c>org.freedesktop.systemd1.Manager.GetUnitByPID</c>), its queued job (the <c>Job</c> property of
/// <c>org.freedesktop.systemd1.Unit</c>) and that job's <c>JobType</c> (org.freedesktop.systemd1(5)). While a
/// restart's stop half runs, the job is still of type "restart"; systemd turns it into a start only once the
/// service is down. Works on systemd 252 (FileDescriptorStorePreserve=, which would make the question moot,
/// needs 254). Never throws: what cannot be asked is <see cref="ServiceJob.Unknown"/>, logged once.
/// </summary>
public sealed class ServiceJobQuery(ILogger<ServiceJobQuery> logger) : IServiceJobQuery
{
    private const string Systemd1 = "org.freedesktop.systemd1";
    private const string Properties = "org.freedesktop.DBus.Properties";

    /// <summary>The bus to ask; null for the system bus (DBUS_SYSTEM_BUS_ADDRESS, or its well-known socket).</summary>
    public string? BusAddress { get; init; }

    public async Task<ServiceJob> GetJobAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            return await QueryAsync().WaitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            SystemdLog.ServiceJobUnknown(logger, $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception exception) when (exception is DBusExceptionBase or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            SystemdLog.ServiceJobUnknown(logger, exception.Message);
        }

        return ServiceJob.Unknown;
    }

    /// <summary>systemd's job type names (src/core/job.c job_type_table).</summary>
    internal static ServiceJob Classify(string jobType) => jobType switch
    {
        "stop" => ServiceJob.Stop,
        "restart" or "try-restart" or "reload-or-restart" or "try-reload-or-restart" => ServiceJob.Restart,
        _ => ServiceJob.Other,
    };

    private async Task<ServiceJob> QueryAsync()
    {
        string address = BusAddress ?? DBusAddress.System ?? throw new InvalidOperationException("no system bus address");
        using var connection = new DBusConnection(address);
        await connection.ConnectAsync().ConfigureAwait(false);

        string unit = await connection.CallMethodAsync(
            GetUnitByPid(connection, (uint)Environment.ProcessId),
            static (message, _) => message.GetBodyReader().ReadObjectPathAsString()).ConfigureAwait(false);

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
