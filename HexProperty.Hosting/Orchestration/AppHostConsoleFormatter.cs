using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace HexProperty.Hosting.Orchestration;

/// <summary>
/// One short line per event: time, level and message. A <see cref="DistributedApplicationException"/> prints
/// as its message alone, because it explains a fix (install a package, free a port), not a bug.
/// </summary>
internal sealed class AppHostConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "apphost";

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        textWriter.Write(DateTime.Now.ToString("HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(level);
        textWriter.Write(' ');
        textWriter.WriteLine(message);
        switch (logEntry.Exception)
        {
            case null:
                break;
            case DistributedApplicationException known:
                textWriter.WriteLine(known.Message);
                break;
            default:
                textWriter.WriteLine(logEntry.Exception.ToString());
                break;
        }
    }
}
