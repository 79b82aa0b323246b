using ChatDaemon.Configuration;
using ChatDaemon.Logging.Console;
using ChatDaemon.Logging.Journal;
using ChatDaemon.Logging.Syslog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Configuration;
using Serilog.Extensions.Logging;

namespace ChatDaemon.Logging;

/// <summary>The one entry point of the logging pipeline, called from the host builder.</summary>
public static class ChatDaemonLogging
{
    /// <summary>Category of the pipeline's own events.</summary>
    public const string Category = "ChatDaemon.Logging";

    /// <summary>
    /// Replaces every logging provider with Serilog configured from the <c>Logging</c> section:
    /// journald (native protocol) under systemd, stderr otherwise, syslog when enabled. Levels and
    /// overrides follow a reload (a <see cref="ChatDaemon.Configuration.IReloadParticipant"/>); sink settings need a restart. Invalid settings throw
    /// <see cref="OptionsValidationException"/> listing every problem; the validator is also
    /// registered (with ValidateOnStart) so the reload path can check the section.
    /// </summary>
    /// <param name="logging">The host's logging builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="runningUnderSystemd">True when started by systemd (e.g. INVOCATION_ID is set).</param>
    public static ILoggingBuilder AddChatDaemonLogging(this ILoggingBuilder logging, IConfiguration configuration,
        bool runningUnderSystemd)
    {
        var section = configuration.GetSection(ChatDaemonLoggingOptions.SectionName);
        var options = new ChatDaemonLoggingOptions();
        section.Bind(options);
        var failures = ChatDaemonLoggingOptionsValidator.Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ChatDaemonLoggingOptions), failures);
        }

        var switches = LogLevelSwitches.Create(options.MinimumLevel);
        var sinkEvents = new PipelineSinkEvents();
        var selection = SinkSelection.Choose(options, runningUnderSystemd, File.Exists(options.Journal.SocketPath));

        var loggerConfiguration = new LoggerConfiguration();
        switches.ApplyTo(loggerConfiguration);
        AddSinks(loggerConfiguration.WriteTo, options, selection, sinkEvents);
        var logger = loggerConfiguration.CreateLogger();

        logging.ClearProviders();
        logging.AddSerilog(logger, dispose: true);

        // Serilog's switches are the only filter: without this rule Microsoft.Extensions.Logging's
        // default minimum (Information) would hide Debug events before Serilog sees them.
        logging.AddFilter<SerilogLoggerProvider>(null, LogLevel.Trace);

        logging.Services.AddOptions<ChatDaemonLoggingOptions>().Bind(section).ValidateOnStart();
        logging.Services.AddClosedOptions<ChatDaemonLoggingOptions>();
        logging.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<ChatDaemonLoggingOptions>, ChatDaemonLoggingOptionsValidator>());

        var selfLogger = new SerilogLoggerProvider(logger).CreateLogger(Category);
        sinkEvents.Attach(selfLogger);
        logging.Services.AddSingleton<IReloadParticipant>(new LogLevelReloader(switches, selfLogger));
        LoggingLog.LoggingConfigured(selfLogger, selection.ToString(), options.MinimumLevel.Default);
        return logging;
    }

    private static void AddSinks(LoggerSinkConfiguration writeTo, ChatDaemonLoggingOptions options,
        SinkSelection selection, ISinkEvents sinkEvents)
    {
        if (selection.Journal)
        {
            var journal = options.Journal;
            var facility = Enum.Parse<Facility>(journal.Facility, ignoreCase: true);
            writeTo.Sink(new JournalSink(
                new JournalSocket(journal.SocketPath),
                new JournalEntryFormatter(journal.SyslogIdentifier, (int)facility),
                sinkEvents));
        }

        if (selection.Console)
        {
            writeTo.Sink(StandardErrorLoggerConfigurationExtensions.Create(sinkEvents));
        }

        if (selection.Syslog)
        {
            writeTo.Sink(SyslogSinkFromOptions.Create(options.Syslog, sinkEvents),
                LogLevelName.Parse(options.Syslog.MinimumLevel));
        }
    }
}
