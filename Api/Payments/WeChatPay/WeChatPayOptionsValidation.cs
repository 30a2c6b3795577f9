using Microsoft.Extensions.Options;

namespace Tollgate.Api.Payments.WeChatPay;

/// <summary>
/// <c>WeChatPay:*</c> refused before anything starts (<c>ValidateOnStart</c>), each failure naming its key: once a merchant id
/// is set, every other key must be there and every key must parse. Without a merchant id WeChat Pay is simply not configured.
/// </summary>
internal sealed class WeChatPayOptionsValidation : IValidateOptions<WeChatPayOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatPayOptions options)
    {
        if (!options.IsConfigured) return ValidateOptionsResult.Success;
        var failures = new List<string>();
        Require(options.AppId, nameof(options.AppId));
        Require(options.MerchantSerialNo, nameof(options.MerchantSerialNo));
        Require(options.PlatformPublicKeyId, nameof(options.PlatformPublicKeyId));
        Parse(() => WeChatPayKeys.ReadApiV3Key(options.ApiV3Key));
        Parse(() => WeChatPayKeys.ReadRsa(options.MerchantPrivateKey, nameof(options.MerchantPrivateKey), mustBePrivate: true).Dispose());
        Parse(() => WeChatPayKeys.ReadRsa(options.PlatformPublicKey, nameof(options.PlatformPublicKey), mustBePrivate: false).Dispose());
        if (!options.ApiBase.IsAbsoluteUri)
            failures.Add($"{WeChatPayOptions.SectionName}:{nameof(options.ApiBase)} must be an absolute URL.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Require(string? value, string key)
        {
            if (string.IsNullOrWhiteSpace(value))
                failures.Add($"{WeChatPayOptions.SectionName}:{key} is required when {WeChatPayOptions.SectionName}:MchId is set.");
        }

        void Parse(Action read)
        {
            try
            {
                read();
            }
            catch (FormatException e)
            {
                failures.Add(e.Message);
            }
        }
    }
}
