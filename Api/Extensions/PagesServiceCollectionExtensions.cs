using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using Tollgate.Api.Pages;
using Tollgate.Api.Pages.Ops;
using Tollgate.Api.Pages.Shared;

namespace Tollgate.Api.Extensions;

public static class PagesServiceCollectionExtensions
{
    /// <summary>The pages: Razor components rendered on the server (no interactivity), in English and Simplified Chinese.</summary>
    public static IServiceCollection AddTollgatePages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddLocalization();
        // Chinese and other text written as itself, not as &#x...; escapes (markup is still encoded).
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(PageCultures.Configure);
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddTransient<ProviderNames>();
        return services;
    }

    /// <summary>Every page, its stylesheet and script, and the language switch.</summary>
    public static IEndpointRouteBuilder MapTollgatePages(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<App>();
        app.MapPageAssets();
        app.MapCultureSwitch();
        app.MapAnalyticsCsv();
        return app;
    }
}
