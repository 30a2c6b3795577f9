using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Tollgate.Api.Tests;

/// <summary>Every error the framework answers (not only the handlers) is a problem with a stable code and no framework internals.</summary>
public sealed class ErrorProblemTests(SharedApi shared) : SharedApiTestBase(shared)
{
    private static readonly string[] FrameworkTexts =
        ["Microsoft.", "System.", "Failed to read parameter", "JsonException", "LineNumber", "BytePositionInLine", "Exception", "Tollgate.", "parameter"];

    [Fact]
    public async Task Every_framework_error_is_a_problem_with_a_stable_code()
    {
        var owner = await Api.RegisterAsync("errors@example.com");
        var key = await Api.IssueApiKeyAsync(owner, "quota:consume");
        HttpRequestMessage Json(HttpMethod method, string url, string body, string mediaType = "application/json") =>
            new(method, url) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

        var table = new (string Name, HttpClient Client, Func<HttpRequestMessage> Request, HttpStatusCode Status, string Code)[]
        {
            ("no credentials", Api.Anonymous(), () => new(HttpMethod.Get, "/v1/me"), HttpStatusCode.Unauthorized, "unauthenticated"),
            ("a token that is not a JWT", Api.As("not-a-jwt"), () => new(HttpMethod.Get, "/v1/me"), HttpStatusCode.Unauthorized, "unauthenticated"),
            ("an unknown API key", Api.WithApiKey("tg_forged"), () => new(HttpMethod.Get, "/v1/me"), HttpStatusCode.Unauthorized, "unauthenticated"),
            ("an API key on a people-only route", Api.WithApiKey(key), () => new(HttpMethod.Get, "/v1/me"), HttpStatusCode.Forbidden, "forbidden"),
            ("an unknown /v1 route", Api.Anonymous(), () => new(HttpMethod.Get, "/v1/nothing-here"), HttpStatusCode.NotFound, "not_found"),
            ("an unknown route", Api.As(owner.AccessToken), () => new(HttpMethod.Get, "/nothing-here"), HttpStatusCode.NotFound, "not_found"),
            ("a wrong method", Api.Anonymous(), () => new(HttpMethod.Delete, "/v1/auth/login"), HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
            ("a form post to a JSON endpoint", Api.Anonymous(), () => Json(HttpMethod.Post, "/v1/auth/login", "email=a", "application/x-www-form-urlencoded"),
                HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
            ("text to a JSON endpoint", Api.Anonymous(), () => Json(HttpMethod.Post, "/v1/auth/login", "{}", "text/plain"),
                HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
            ("a body over 1 MB", Api.Anonymous(), () => Json(HttpMethod.Post, "/v1/auth/login", $$"""{"email":"{{new string('x', 1_100_000)}}"}"""),
                HttpStatusCode.RequestEntityTooLarge, "payload_too_large"),
            ("broken JSON", Api.Anonymous(), () => Json(HttpMethod.Post, "/v1/auth/login", """{"email":"""), HttpStatusCode.BadRequest, "malformed_request"),
            ("a wrong JSON type", Api.As(owner.AccessToken), () => Json(HttpMethod.Patch, "/v1/me", """{"name":5}"""), HttpStatusCode.BadRequest, "malformed_request"),
            ("an empty body", Api.Anonymous(), () => Json(HttpMethod.Post, "/v1/auth/login", ""), HttpStatusCode.BadRequest, "malformed_request"),
            ("a bad query value", Api.As(owner.AccessToken), () => new(HttpMethod.Get, $"/v1/tenants/{owner.TenantId}/audit-log?limit=x"),
                HttpStatusCode.BadRequest, "validation_failed"),
        };

        var failures = new List<string>();
        foreach (var (name, client, request, status, code) in table)
        {
            var response = await client.SendAsync(request());
            var text = await response.Content.ReadAsStringAsync();
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? System.Text.Json.JsonDocument.Parse(text).RootElement : default;
            if (response.StatusCode != status) failures.Add($"{name}: status {(int)response.StatusCode}, expected {(int)status}: {text}");
            else if (problem.ValueKind != System.Text.Json.JsonValueKind.Object)
                failures.Add($"{name}: content type {response.Content.Headers.ContentType}: {text}");
            else if (!problem.TryGetProperty("code", out var got) || got.GetString() != code) failures.Add($"{name}: code missing or not {code}: {text}");
            else if (problem.GetProperty("status").GetInt32() != (int)status) failures.Add($"{name}: body status differs: {text}");
            else if (FrameworkTexts.FirstOrDefault(text.Contains) is { } leak) failures.Add($"{name}: mentions '{leak}': {text}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_401_keeps_its_challenge_and_a_405_names_the_allowed_methods()
    {
        var unauthenticated = await Api.Anonymous().GetAsync("/v1/me");
        var wrongMethod = await Api.Anonymous().DeleteAsync("/v1/auth/login");

        await AssertProblem(unauthenticated, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(unauthenticated.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        await AssertProblem(wrongMethod, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Contains("POST", wrongMethod.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_401_for_an_unknown_API_key_is_a_problem_naming_the_api_key_scheme()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/quota/consume")
        {
            Content = JsonContent.Create(new { quotaType = "chat/messages", amount = 1 }),
        };
        request.Headers.Add("X-Api-Key", "tg_not_a_key_anyone_was_given");

        var response = await Api.Anonymous().SendAsync(request);

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey" && h.Parameter == "header=\"X-Api-Key\"");
    }

    [Fact]
    public async Task Pages_keep_their_redirects_and_html()
    {
        var browser = new Browser(Api);

        var ops = await browser.GetAsync("/ops");
        var dashboard = await browser.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.Redirect, ops.StatusCode);
        Assert.Contains("/signin?returnUrl=", ops.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Empty(await ops.Content.ReadAsByteArrayAsync());
        Assert.Null(ops.Content.Headers.ContentType);
    }
}
