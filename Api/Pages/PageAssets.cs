using System.Security.Cryptography;

namespace Tollgate.Api.Pages;

/// <summary>
/// The pages' one stylesheet and one small script, built into the assembly and served from memory under a name that
/// carries their hash, so browsers may keep them for a year and still never run a stale copy after an upgrade.
/// </summary>
public static class PageAssets
{
    private static readonly Asset Stylesheet = Load("site.css", "text/css; charset=utf-8");
    private static readonly Asset Script = Load("site.js", "text/javascript; charset=utf-8");

    public static string StylesheetUrl => Stylesheet.Url;
    public static string ScriptUrl => Script.Url;

    public static IEndpointRouteBuilder MapPageAssets(this IEndpointRouteBuilder app)
    {
        foreach (var asset in new[] { Stylesheet, Script })
            app.MapGet(asset.Url, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                return TypedResults.Bytes(asset.Content, asset.ContentType);
            }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static Asset Load(string name, string contentType)
    {
        var assembly = typeof(PageAssets).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var content = copy.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..12];
        var dot = name.LastIndexOf('.');
        return new Asset($"/pages/{name[..dot]}.{hash}{name[dot..]}", content, contentType);
    }

    private sealed record Asset(string Url, byte[] Content, string ContentType);
}
