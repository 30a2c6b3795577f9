using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing;

/// <summary>A webhook receiver on 127.0.0.1 (Kestrel, a port of <see cref="FreePorts"/>) that records every POST and answers
/// each path with the status a test sets (200 unless told otherwise).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();

    public int Port { get; }

    private WebhookReceiver(WebApplication app, int port) => (_app, Port) = (app, port);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = FreePorts.Next();
        var app = LoopbackApp.Create(port);
        WebhookReceiver? receiver = null;
        app.Run(async context => await receiver!.HandleAsync(context));
        receiver = new WebhookReceiver(app, port);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Where a test's endpoint at <paramref name="path"/> is.</summary>
    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    /// <summary>From now on, POSTs to <paramref name="path"/> are answered with <paramref name="status"/>.</summary>
    public void Answer(string path, int status) => _answers[path] = status;

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToArray();

    public IReadOnlyList<ReceivedWebhook> At(string path) => Received.Where(r => r.Path == path).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value!.TrimStart('/');
        var status = _answers.GetValueOrDefault(path, StatusCodes.Status200OK);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new ReceivedWebhook(path, headers, body, status));
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A POST the receiver got: its path, headers, raw body and the status it answered with.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith)
{
    public string? EventId => Headers.GetValueOrDefault("Tollgate-Event-Id");
    public bool Accepted => AnsweredWith is >= 200 and < 300;
}
