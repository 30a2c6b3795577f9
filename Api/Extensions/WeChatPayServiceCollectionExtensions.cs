using Microsoft.Extensions.Configuration;

namespace Tollgate.Api.Extensions;

public static class WeChatPayServiceCollectionExtensions
{
    /// <summary>The <c>WeChatPay:*</c> section and the WeChatPay provider.</summary>
    public static IServiceCollection AddWeChatPay(this IServiceCollection services, IConfiguration configuration) => services;
}
