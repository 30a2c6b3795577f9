using System.Text.Encodings.Web;

namespace Tollgate.Api.Pages;

/// <summary>
/// The frame of Tollgate's few server-rendered pages. Pages hold credentials and forms, so they are
/// never cached, never framed, and load nothing but their own inline style.
/// </summary>
public static class HtmlPage
{
    private const string Style =
        "body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}" +
        "main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}" +
        "label{display:block;margin:.8rem 0}input{display:block;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.2rem}" +
        "button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#a01b1b}";

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <param name="body">Already-encoded HTML; put every value from a request or a grain through <see cref="Encode"/>.</param>
    public static IResult Result(int status, string title, string body) => new Page(status, title, body);

    public static Task WriteAsync(HttpContext http, int status, string title, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "same-origin";
        return http.Response.WriteAsync(
            $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
            $"<title>{Encode(title)} · Tollgate</title><style>{Style}</style></head>" +
            $"<body><main><h1>{Encode(title)}</h1>{body}</main></body></html>",
            http.RequestAborted);
    }

    private sealed class Page(int status, string title, string body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, title, body);
    }
}
