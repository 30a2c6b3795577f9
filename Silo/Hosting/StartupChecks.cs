using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Tollgate.Silo.Hosting;

/// <summary>
/// What would make the silo fail once started, checked before anything starts, so a mistake in
/// configuration ends the process with one line per problem and exit code 1 rather than a stack
/// trace after Orleans' own lines: options that fail validation (Tollgate's and Orleans'), and
/// Orleans ports another process holds.
/// </summary>
internal static class StartupChecks
{
    public static async Task<bool> PassAsync(WebApplication app)
    {
        var problems = OptionsProblems(app.Services).Concat(PortProblems(app.Services)).ToList();
        if (problems.Count == 0) return true;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupChecks).FullName!);
        foreach (var problem in problems) logger.LogCritical("The silo cannot start: {Problem}", problem);
        await app.DisposeAsync(); // flushes the console log
        return false;
    }

    private static IEnumerable<string> OptionsProblems(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate(); // every ValidateOnStart
            foreach (var validator in services.GetServices<IConfigurationValidator>()) validator.ValidateConfiguration();
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return exception.Failures;
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            return exception.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures);
        }
        catch (OrleansConfigurationException exception)
        {
            return [exception.Message];
        }
    }

    /// <summary>
    /// Orleans binds its ports with SO_REUSEADDR, which on Linux also sets SO_REUSEPORT: a second
    /// silo on the same ports binds them too and both seem to listen, while connections go to
    /// either. A plain bind, without reuse, fails while any socket listens there.
    /// </summary>
    private static IEnumerable<string> PortProblems(IServiceProvider services)
    {
        var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var silo = endpoints.SiloListeningEndpoint ?? new IPEndPoint(endpoints.AdvertisedIPAddress, endpoints.SiloPort);
        if (InUse(silo)) yield return InUseProblem("Orleans:SiloPort", silo);
        if (endpoints.GatewayPort == 0) yield break; // no gateway
        var gateway = endpoints.GatewayListeningEndpoint ?? new IPEndPoint(endpoints.AdvertisedIPAddress, endpoints.GatewayPort);
        if (InUse(gateway)) yield return InUseProblem("Orleans:GatewayPort", gateway);
    }

    private static bool InUse(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }

    private static string InUseProblem(string key, IPEndPoint endpoint) =>
        $"{key} {endpoint.Port} is in use on {endpoint.Address} (by another silo?). Give each silo on a machine its own "
        + "Orleans:SiloPort and Orleans:GatewayPort.";
}
