using System.Net;

namespace Tollgate.Silo.Extensions;

/// <summary>The silo's place in its cluster, bound from the <c>Orleans</c> configuration section.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "tollgate";
    public string ServiceId { get; set; } = "tollgate";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at; loopback when unset.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>The shortest reminder period a grain may register (Orleans' default is a minute).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a silo that stopped answering probes may take to be declared dead (about 10 s on loopback).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>A grain call without an answer by then fails.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IPAddress AdvertisedAddress => AdvertisedIPAddress is { Length: > 0 } address ? IPAddress.Parse(address) : IPAddress.Loopback;
}
