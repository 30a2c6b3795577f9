using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Tollgate.Testing;

namespace Tollgate.Sdk.Tests;

/// <summary>
/// samples/Tollgate.Sample over Kestrel on a real port, using one harness tenant's API key: the user "alice" (token
/// <see cref="AliceToken"/>) belongs to that tenant, the user "nobody" (<see cref="NobodyToken"/>) to no tenant.
/// </summary>
public sealed class SampleApp : WebApplicationFactory<Program>
{
    public const string AliceToken = "alice-token";
    public const string NobodyToken = "nobody-token";

    private readonly Dictionary<string, string?> _settings;

    public SampleApp(Harness harness, HarnessTenant tenant, Uri? tollgate = null, IDictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Tollgate:BaseUrl"] = (tollgate ?? harness.BaseUrl).ToString(),
            ["Tollgate:ApiKey"] = tenant.ApiKey,
            ["Sample:QuotaType"] = harness.Description.QuotaType,
            ["Sample:Tool"] = harness.Description.Tool,
            ["Sample:Users:alice:Token"] = AliceToken,
            ["Sample:Users:alice:TenantId"] = tenant.TenantId,
            ["Sample:Users:nobody:Token"] = NobodyToken,
            ["Sample:Users:nobody:TenantId"] = "",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
        // A port of its own rather than UseKestrel(0), whose port setting races Kestrel's own start (dotnet/aspnetcore#67714).
        var port = FreePorts.Next();
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        StartServer();
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Address { get; }
    public CapturedLogs Logs { get; } = new();

    public HttpClient Caller(string? token = AliceToken)
    {
        var http = new HttpClient { BaseAddress = Address };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}
