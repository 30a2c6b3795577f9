using Microsoft.AspNetCore.Components;

namespace Tollgate.Api.Pages;

/// <summary>
/// Sends the browser to a path on this site after a page's form was handled (post, then redirect, then get). The
/// <c>Location</c> is the path itself, not the absolute URL <see cref="NavigationManager"/> would build from the
/// request's <c>Host</c> header, which the client chooses.
/// </summary>
public static class PageRedirect
{
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void To(HttpContext http, string localPath)
    {
        if (!LocalUrl.IsLocal(localPath)) throw new ArgumentException("Pages redirect only to paths on this site.", nameof(localPath));
        // Thrown as NavigationManager.NavigateTo does, so the renderer stops and answers with the redirect alone.
        throw new NavigationException(localPath);
    }

    /// <summary>Sends the browser to a page a payment provider made for this request (Stripe Checkout, its billing portal).</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ToProvider(Uri providerPage)
    {
        if (!providerPage.IsAbsoluteUri || providerPage.Scheme is not ("https" or "http"))
            throw new ArgumentException("A provider's page is an absolute http(s) URL.", nameof(providerPage));
        throw new NavigationException(providerPage.AbsoluteUri);
    }
}
