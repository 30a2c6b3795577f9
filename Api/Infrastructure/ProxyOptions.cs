using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Tollgate.Api.Infrastructure;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed, bound
/// from the <c>ForwardedHeaders</c> section. None by default: a client could otherwise choose the IP
/// the audit log records, or pass for HTTPS.
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Proxy IP addresses, such as <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, such as <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// Trusts exactly the configured proxies. This also replaces what <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>
/// would set up (every peer trusted), since its middleware reads these same options.
/// </summary>
internal sealed class ConfigureForwardedHeaders(IOptions<ProxyOptions> proxies) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions options)
    {
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        // ASP.NET Core checks the peer only when one of the lists is non-empty: empty lists would trust every
        // peer. So without a configured proxy, no forwarded header is read at all.
        var configured = proxies.Value.KnownProxies.Count + proxies.Value.KnownNetworks.Count > 0;
        options.ForwardedHeaders = configured ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
        options.ForwardLimit = null; // each hop is checked against the known proxies instead
        // Valid by now: ProxyOptionsValidation refuses any other entry when the options are first read.
        foreach (var proxy in proxies.Value.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
        foreach (var network in proxies.Value.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
    }
}
