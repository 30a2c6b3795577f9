using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Tollgate.Bench.Consume;

/// <summary>
/// Load from wrk (Debian's package), the generator the issue's measurements used: two threads, a fixed
/// number of keep-alive connections, one request sent again and again (<c>consume.lua</c>).
/// </summary>
public static partial class Wrk
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Consume", "consume.lua");

    /// <param name="CpuPerRequest">Microseconds of the servers' CPU per request answered (wrk's own not counted).</param>
    /// <param name="AllocatedPerRequest">Bytes the servers allocated per request answered.</param>
    public sealed record Result(double RequestsPerSecond, long Requests, double CpuPerRequest, double? AllocatedPerRequest);

    public static string? Executable => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(directory => Path.Combine(directory, "wrk")).FirstOrDefault(File.Exists);

    /// <summary>Runs wrk for the warm-up, then measures a second run of <paramref name="duration"/>.</summary>
    public static Result Run(
        ServerProcess server, string path, byte[] body, string? apiKey, int connections, TimeSpan warmUp, TimeSpan duration)
    {
        var url = new Uri(server.BaseAddress, path);
        if (warmUp > TimeSpan.Zero) RunOnce(url, body, apiKey, connections, warmUp);
        var (cpu, allocated) = (server.ProcessorTime, server.AllocatedBytes);
        var output = RunOnce(url, body, apiKey, connections, duration);
        var (cpuAfter, allocatedAfter) = (server.ProcessorTime, server.AllocatedBytes);
        var requests = long.Parse(RequestsLine().Match(output) is { Success: true } match ? match.Groups[1].Value
            : throw new BenchFailedException($"wrk printed no request count:\n{output}"), CultureInfo.InvariantCulture);
        if (Non2xx().Match(output) is { Success: true } refused)
            throw new BenchFailedException($"wrk against {url}: {refused.Groups[1].Value} answers were not 2xx:\n{output}");
        if (SocketErrors().Match(output) is { Success: true } errors)
            throw new BenchFailedException($"wrk against {url}: socket errors ({errors.Groups[1].Value}):\n{output}");
        var perSecond = double.Parse(RateLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        return new Result(perSecond, requests, (cpuAfter - cpu).TotalMicroseconds / Math.Max(1, requests),
            allocatedAfter - allocated is { } bytes ? (double)bytes / Math.Max(1, requests) : null);
    }

    private static string RunOnce(Uri url, byte[] body, string? apiKey, int connections, TimeSpan duration)
    {
        var executable = Executable
            ?? throw new BenchFailedException("wrk is not installed (apt-get install -y wrk); leave the wrk rows out with --rows.");
        var seconds = Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds));
        var start = new ProcessStartInfo(executable, ["-t2", $"-c{connections}", $"-d{seconds}s", "-s", Script, url.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["WRK_BODY"] = System.Text.Encoding.UTF8.GetString(body);
        start.Environment["WRK_API_KEY"] = apiKey ?? "";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new BenchFailedException($"wrk failed ({process.ExitCode}): {errors.Result}{output.Result}");
        return output.Result;
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RateLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: (.*)")]
    private static partial Regex SocketErrors();
}
