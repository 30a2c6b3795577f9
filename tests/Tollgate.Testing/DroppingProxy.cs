using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of a silo that can lose one answer: after <see cref="DropNext"/> the next request
/// is forwarded and acted on, and its answer is read and thrown away while the caller's connection is aborted. A client
/// then sees a network error for a request that did happen, which is what an idempotency key must survive.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private int _dropNext;
    private int _forwarded;

    public Uri BaseAddress { get; }

    /// <summary>Requests forwarded to the silo so far, the dropped ones too.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    private DroppingProxy(WebApplication app, HttpClient upstream, Uri baseAddress)
    {
        _app = app;
        _upstream = upstream;
        BaseAddress = baseAddress;
    }

    /// <summary>The next request through the proxy loses its answer.</summary>
    public void DropNext() => Volatile.Write(ref _dropNext, 1);

    public static async Task<DroppingProxy> StartAsync(Uri target)
    {
        var app = LoopbackApp.Create();
        DroppingProxy? proxy = null;
        app.Run(context => proxy!.ForwardAsync(context));
        await app.StartAsync();
        var upstream = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(100) };
        proxy = new DroppingProxy(app, upstream, new Uri(app.Urls.Single()));
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var target = context.Request.Path + context.Request.QueryString;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            request.Content = new ByteArrayContent(body.ToArray());
        }
        foreach (var (name, values) in context.Request.Headers)
        {
            if (s_hopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        var drop = Interlocked.Exchange(ref _dropNext, 0) == 1;
        Interlocked.Increment(ref _forwarded);
        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        if (drop)
        {
            context.Abort(); // the silo acted and answered; the caller never hears of it
            return;
        }
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!s_hopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
