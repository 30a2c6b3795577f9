using Microsoft.Extensions.Localization;

namespace Tollgate.Api.Pages.Shared;

/// <summary>A payment provider's name as the reader's language writes it: the API's "alipay" is 支付宝 on a Chinese page.</summary>
public sealed class ProviderNames(IStringLocalizer<ProviderNames> localizer)
{
    public string Of(string provider) => provider switch
    {
        "stripe" => "Stripe",
        "alipay" => localizer["Alipay"],
        "wechatpay" => localizer["WeChat Pay"],
        _ => provider,
    };
}
