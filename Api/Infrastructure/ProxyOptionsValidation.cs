using System.Net;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.Infrastructure;

/// <summary>Every <c>ForwardedHeaders</c> entry must be an IP address or a CIDR network, checked before anything starts.</summary>
internal sealed class ProxyOptionsValidation : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = options.KnownProxies.Where(proxy => !IPAddress.TryParse(proxy.Trim(), out _))
            .Select(proxy => Invalid(nameof(ProxyOptions.KnownProxies), proxy, "an IP address such as 10.0.0.5"))
            .Concat(options.KnownNetworks.Where(network => !System.Net.IPNetwork.TryParse(network.Trim(), out _))
                .Select(network => Invalid(nameof(ProxyOptions.KnownNetworks), network, "a CIDR network such as 10.0.0.0/24")))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Invalid(string setting, string text, string expected) =>
        $"{ProxyOptions.SectionName}:{setting} has '{text}', which is not {expected}.";
}
