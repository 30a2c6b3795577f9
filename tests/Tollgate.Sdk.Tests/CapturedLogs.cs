using Microsoft.Extensions.Logging;

namespace Tollgate.Sdk.Tests;

/// <summary>Every log message written through it, with its structured values, for tests that read what the SDK logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries) return [.. _entries];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var values = (state as IReadOnlyList<KeyValuePair<string, object?>> ?? []).ToDictionary(v => v.Key, v => v.Value);
            var entry = new LogEntry(category, logLevel, formatter(state, exception), values, exception);
            lock (logs._entries) logs._entries.Add(entry);
        }
    }
}

public sealed record LogEntry(
    string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values, Exception? Exception);
