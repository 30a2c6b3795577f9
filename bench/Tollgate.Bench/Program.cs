using Tollgate.Bench;

if (args is ["serve-baseline", var storageName, var connectionString, var url])
    return await Tollgate.Bench.Consume.BaselineServer.RunAsync(storageName, connectionString, url);

string? suite = args is ["consume" or "credits" or "usage" or "analytics", ..] ? args[0] : null;
if (suite is not null) args = args[1..];

if (suite is null || args is ["-h" or "--help"])
{
    Console.WriteLine(BenchOptions.Usage);
    return suite is null && args is not ["-h" or "--help"] ? 2 : 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

try
{
    return suite switch
    {
        "consume" => await Tollgate.Bench.Consume.ConsumeBench.RunAsync(options),
        "credits" => await Tollgate.Bench.Credits.CreditsBench.RunAsync(options),
        "analytics" => await Tollgate.Bench.Analytics.AnalyticsBench.RunAsync(options),
        _ => await Tollgate.Bench.Reports.UsageReportBench.RunAsync(options),
    };
}
catch (BenchFailedException failure)
{
    Console.WriteLine($"FAILED: {failure.Message}");
    return 1;
}
