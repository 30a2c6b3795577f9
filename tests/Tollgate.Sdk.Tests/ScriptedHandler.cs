using System.Net;
using System.Text;

namespace Tollgate.Sdk.Tests;

/// <summary>
/// Tollgate's side of a unit test: answers each attempt with the next scripted answer (the last one repeats) and records
/// what each attempt sent, as the wire carried it.
/// </summary>
public sealed class ScriptedHandler(params Func<CancellationToken, Task<HttpResponseMessage>>[] answers) : HttpMessageHandler
{
    private readonly List<SentRequest> _sent = [];

    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_sent) return [.. _sent];
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        int attempt;
        lock (_sent)
        {
            attempt = _sent.Count;
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(',', h.Value));
            _sent.Add(new SentRequest(request.Method, request.RequestUri!, headers, body));
        }
        var response = await answers[Math.Min(attempt, answers.Length - 1)](cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    public static Func<CancellationToken, Task<HttpResponseMessage>> Json(HttpStatusCode status, string json,
        params (string Name, string Value)[] headers) => _ =>
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(json, Encoding.UTF8, (int)status >= 400 ? "application/problem+json" : "application/json"),
        };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return Task.FromResult(response);
    };

    public static Func<CancellationToken, Task<HttpResponseMessage>> Fails() =>
        _ => Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"));

    /// <summary>An attempt that never answers: only the client's per-attempt timeout ends it.</summary>
    public static Func<CancellationToken, Task<HttpResponseMessage>> Hangs() => async cancellation =>
    {
        await Task.Delay(Timeout.Infinite, cancellation);
        throw new InvalidOperationException("unreachable");
    };
}

public sealed record SentRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body);
