using System.Buffers;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Tollgate.Testing;

/// <summary>
/// A real SMTP server in the test process (SmtpServer) on a port of its own, keeping every message it receives.
/// Stop it to play a mail server that is down, and <see cref="Start"/> it again on the same port.
/// </summary>
public sealed partial class TestMailbox : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private CancellationTokenSource? _running;
    private Task? _serving;

    public TestMailbox()
    {
        Port = FreePorts.Next();
        Start();
    }

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Received => [.. _received];

    public void Start()
    {
        if (_running is not null) return;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, Port))).Build();
        var services = new ServiceProvider();
        services.Add(new Store(_received));
        _running = new CancellationTokenSource();
        _serving = new SmtpServer.SmtpServer(options, services).StartAsync(_running.Token);
    }

    /// <summary>The messages to <paramref name="to"/> once at least <paramref name="count"/> have come, within 10 s (else fails).</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(string to, int count = 1, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = Received.Where(m => m.To.Mailboxes.Any(a => a.Address == to)).ToList();
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{found.Count} of {count} emails to {to} arrived.");
            await Task.Delay(50);
        }
    }

    /// <summary>The token of the link in a message's text (<c>...?token=...</c>).</summary>
    public static string TokenIn(MimeMessage message) =>
        Uri.UnescapeDataString(LinkToken().Match(message.TextBody ?? "") is { Success: true } match ? match.Groups[2].Value
            : throw new InvalidOperationException("The message carries no link with a token."));

    /// <summary>The link in a message's text.</summary>
    public static Uri LinkIn(MimeMessage message) =>
        LinkToken().Match(message.TextBody ?? "") is { Success: true } match ? new Uri(match.Groups[1].Value)
            : throw new InvalidOperationException("The message carries no link with a token.");

    [GeneratedRegex(@"(https?://\S+\?token=(\S+))")]
    private static partial Regex LinkToken();

    /// <summary>Stops listening, as a mail server that is down; <see cref="Start"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (_running is null) return;
        await _running.CancelAsync();
        try { await _serving!; } catch (OperationCanceledException) { }
        _running.Dispose();
        _running = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class Store(ConcurrentQueue<MimeMessage> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
