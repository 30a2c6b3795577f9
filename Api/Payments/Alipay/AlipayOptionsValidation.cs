using Microsoft.Extensions.Options;

namespace Tollgate.Api.Payments.Alipay;

/// <summary>
/// <c>Alipay:*</c> checked before anything starts: without an AppId Alipay is simply not configured; with one, both keys
/// must be set and parse, and the gateway must be an absolute https (or local http) URL. Each failure names its key.
/// </summary>
internal sealed class AlipayOptionsValidation : IValidateOptions<AlipayOptions>
{
    public ValidateOptionsResult Validate(string? name, AlipayOptions options)
    {
        var failures = new List<string>();
        // A key given without an AppId is still read: a broken key is a mistake to hear about now, not when the AppId comes.
        if (options.IsConfigured || !string.IsNullOrWhiteSpace(options.PrivateKey) || !string.IsNullOrWhiteSpace(options.AlipayPublicKey))
        {
            try
            {
                AlipayKeys.Read(options);
            }
            catch (FormatException unreadable)
            {
                failures.Add(unreadable.Message);
            }
        }
        if (!options.Gateway.IsAbsoluteUri || (options.Gateway.Scheme != Uri.UriSchemeHttps && !options.Gateway.IsLoopback))
            failures.Add($"{AlipayOptions.SectionName}:Gateway must be an absolute https URL.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
