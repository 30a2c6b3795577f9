using Tollgate.Api.OpenApi;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// Headers every response carries, whatever answered it (an endpoint, a problem, a redirect, a page):
/// no MIME sniffing, no referrer, never framed, HSTS over HTTPS, and <c>Cache-Control: no-store</c>
/// unless the response chose its own caching, since tokens, keys and tenants' data must not be kept
/// by browsers or proxies. Pages get only <c>frame-ancestors</c> from CSP (the dashboard runs its own
/// scripts); everything else, which is data rather than a document, gets <c>default-src 'none'</c>. The API
/// reference under /docs gets its own (<see cref="ApiReference.ContentSecurityPolicy"/>).
/// </summary>
internal static class SecurityHeaders
{
    private const string DataPolicy = "default-src 'none'; frame-ancestors 'none'";
    private const string PagePolicy = "frame-ancestors 'none'";

    // Tollgate's own pages load only their stylesheet and script; charts are inline SVG, QR codes data: images. No
    // form-action: a billing form's answer is a redirect to the payment provider's checkout.
    private const string TollgatePagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ApiReference.Path) ? ApiReference.ContentSecurityPolicy
                : context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true ? DataPolicy
                : Pages.PageStatusPages.IsPage(context) ? TollgatePagePolicy
                : PagePolicy;
            if (context.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
            if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
