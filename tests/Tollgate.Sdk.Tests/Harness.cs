using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tollgate.Sdk.Tests;

/// <summary>
/// The shared SDK test harness (tests/Tollgate.Sdk.Harness), once for the whole suite: a real silo with the SDK catalog, a
/// proxy in front of it that can drop an answer, and control routes that make a fresh tenant per test. Stopped by closing its
/// standard input.
/// </summary>
public sealed class Harness : IAsyncLifetime
{
    private readonly StringBuilder _errors = new();
    private Process? _process;

    public HarnessDescription Description { get; private set; } = null!;
    public Uri BaseUrl => new(Description.BaseUrl);
    public Uri ProxyUrl => new(Description.ProxyUrl);

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet", [HarnessDll()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_errors) _errors.AppendLine(line.Data);
        };
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var first = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (first is null) Assert.Fail($"The SDK harness exited without describing itself:\n{Errors}");
        Description = JsonSerializer.Deserialize<HarnessDescription>(first, JsonSerializerOptions.Web)!;
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        _process.StandardInput.Close(); // the harness stops its silo and deletes its directory
        using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(stopped.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    public string Errors
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    /// <summary>A fresh tenant on the SDK plan (its own counters and wallet) with an API key holding every scope.</summary>
    public async Task<HarnessTenant> NewTenantAsync()
    {
        using var control = new HttpClient { BaseAddress = new Uri(Description.ControlUrl) };
        using var created = await control.PostAsync("/tenants", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<HarnessTenant>(JsonSerializerOptions.Web))!;
    }

    /// <summary>The next request through the proxy reaches the silo, but its answer is thrown away and the connection cut.</summary>
    public async Task DropNextAnswerAsync()
    {
        using var control = new HttpClient { BaseAddress = new Uri(Description.ControlUrl) };
        using var dropped = await control.PostAsync("/proxy/drop-next", null);
        Assert.Equal(HttpStatusCode.NoContent, dropped.StatusCode);
    }

    /// <summary>How many requests the proxy has passed to the silo so far.</summary>
    public async Task<int> ForwardedAsync()
    {
        using var control = new HttpClient { BaseAddress = new Uri(Description.ControlUrl) };
        using var answer = await control.GetFromJsonAsync<JsonDocument>("/proxy/forwarded");
        return answer!.RootElement.GetProperty("count").GetInt32();
    }

    /// <summary>TOLLGATE_SDK_HARNESS, or the harness built beside this suite (same configuration).</summary>
    private static string HarnessDll()
    {
        if (Environment.GetEnvironmentVariable("TOLLGATE_SDK_HARNESS") is { Length: > 0 } configured) return configured;
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // .../bin/Debug/net10.0
        var tests = output.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(tests, "Tollgate.Sdk.Harness", "bin", output.Parent.Name, output.Name, "Tollgate.Sdk.Harness.dll");
    }
}

[CollectionDefinition(Name)]
public sealed class HarnessCollection : ICollectionFixture<Harness>
{
    public const string Name = "SDK harness";
}

public sealed record HarnessDescription(
    string BaseUrl, string ProxyUrl, string ControlUrl, string QuotaType, long QuotaLimit, string Tool, long CreditsPerUnit,
    long MonthlyCredits, string PlatformKey);

public sealed record HarnessTenant(string TenantId, string ApiKey, string Email, string Password);
