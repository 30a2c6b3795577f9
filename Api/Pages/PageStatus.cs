using Microsoft.AspNetCore.Diagnostics;

namespace Tollgate.Api.Pages;

/// <summary>
/// A page that answers with an error status and says itself what went wrong (a refused form, a filter it cannot read, an order
/// not found): the status code pages are turned off for the response, so the page's own message is what the reader gets.
/// </summary>
public static class PageStatus
{
    public static void Set(HttpContext http, int status)
    {
        http.Response.StatusCode = status;
        if (http.Features.Get<IStatusCodePagesFeature>() is { } statusPages) statusPages.Enabled = false;
    }
}
