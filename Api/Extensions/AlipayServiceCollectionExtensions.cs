using Microsoft.Extensions.Configuration;

namespace Tollgate.Api.Extensions;

public static class AlipayServiceCollectionExtensions
{
    /// <summary>The <c>Alipay:*</c> section and the Alipay provider.</summary>
    public static IServiceCollection AddAlipay(this IServiceCollection services, IConfiguration configuration) => services;
}
