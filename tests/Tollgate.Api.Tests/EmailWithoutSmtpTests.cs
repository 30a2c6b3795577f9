using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Api.Tests;

/// <summary>Without <c>Email:Smtp:Host</c>, a single-machine trial finds each link in the log, at Warning.</summary>
public sealed class EmailWithoutSmtpTests : ApiTestBase
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Email:Smtp:Host"] = "" };

    [Fact]
    public async Task The_verification_link_is_logged_at_warning_and_works()
    {
        await Api.DisposeAsync();
        var log = new CapturedLog();
        var api = await StartAsync(services: s => s.AddSingleton<ILoggerProvider>(log));

        var gus = await api.RegisterAsync("gus@example.com");
        string? line = null;
        await EventuallyAsync(() => Task.FromResult((line = log.Warnings.FirstOrDefault(l => l.Contains(gus.Email, StringComparison.Ordinal))) is not null),
            "no warning carried the link");
        var token = Uri.UnescapeDataString(Regex.Match(line!, @"http://tollgate\.test/verify-email\?token=(\S+)").Groups[1].Value);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Anonymous().PostAsJsonAsync("/v1/auth/verify-email", new { token })).StatusCode);
        Assert.Empty(Mailbox.Received);
    }

    private sealed class CapturedLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Warnings { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Warnings);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> warnings) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel == LogLevel.Warning) warnings.Enqueue(formatter(state, exception));
            }
        }
    }
}
