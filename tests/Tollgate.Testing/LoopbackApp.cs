using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Testing;

/// <summary>The Kestrel app behind each local stand-in server of the tests (fake providers, proxies): quiet, on 127.0.0.1.</summary>
public static class LoopbackApp
{
    /// <param name="port">0 (the default) for a port the kernel picks; read it from the started app's <c>Urls</c>.</param>
    public static WebApplication Create(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        return builder.Build();
    }
}
