using Microsoft.AspNetCore.Http.Features;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// Caps request bodies at 1 MB. Kestrel enforces the cap while reading; a declared length over it
/// is refused before any of the body is read.
/// </summary>
internal static class RequestBodyLimit
{
    public const long MaxBytes = 1024 * 1024;

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBytes;
        if (context.Request.ContentLength > MaxBytes)
            throw new BadHttpRequestException("The request body is larger than 1 MB.", StatusCodes.Status413PayloadTooLarge);
        await next(context);
    });
}
