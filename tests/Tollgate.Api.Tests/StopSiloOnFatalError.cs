using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Api.Tests;

/// <summary>
/// Orleans answers a fatal error (most often: the other silos voted this one dead) with
/// Environment.FailFast, which in a test would end the whole test host and every test running in it
/// with no word of why. Here it is logged and only the affected silo stops, so the test that owns it fails.
/// </summary>
internal sealed class StopSiloOnFatalError(IHostApplicationLifetime lifetime, ILogger<StopSiloOnFatalError> logger) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        logger.LogError(exception, "Fatal error from {Sender} ({Context}): this test's silo stops", sender, context);
        Console.Error.WriteLine($"Fatal error from {sender} ({context}): this test's silo stops. {exception}");
        lifetime.StopApplication();
    }
}
