using Tollgate.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

public static class TollgateEndpointExtensions
{
    /// <summary>Each call deducts <paramref name="amount"/> of <paramref name="quotaType"/> before the endpoint runs.</summary>
    public static TBuilder RequireQuota<TBuilder>(this TBuilder builder, string quotaType, long amount = 1,
        bool refundOnServerError = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireQuotaAttribute(quotaType, amount) { RefundOnServerError = refundOnServerError });

    /// <summary>Each call spends <paramref name="units"/> of <paramref name="tool"/>'s price before the endpoint runs.</summary>
    public static TBuilder RequireCredits<TBuilder>(this TBuilder builder, string tool, long units = 1,
        bool refundOnServerError = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireCreditsAttribute(tool, units) { RefundOnServerError = refundOnServerError });

    /// <summary>
    /// Deducts the guards of the endpoint each request reaches. Call it after <c>UseAuthentication()</c> and
    /// <c>UseAuthorization()</c>, so that a caller the app refuses costs nothing.
    /// </summary>
    public static IApplicationBuilder UseTollgate(this IApplicationBuilder app) => app.UseMiddleware<TollgateMiddleware>();
}
