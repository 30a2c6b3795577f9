using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tollgate.Api.Tests;

/// <summary>A client that keeps cookies and does not follow redirects, posting forms the way a browser does.</summary>
public sealed partial class Browser(HttpClient client)
{
    public Browser(ApiFactory api, Uri? baseAddress = null) : this(api.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = baseAddress ?? new Uri("http://localhost"),
    }))
    {
    }

    /// <summary>A browser talking to a real server at <paramref name="address"/>.</summary>
    public Browser(Uri address)
        : this(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = address })
    {
    }

    public HttpClient Client { get; } = client;

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path);

    /// <summary>
    /// Loads <paramref name="page"/> and posts its form's antiforgery token with <paramref name="fields"/> to <paramref name="action"/>.
    /// </summary>
    /// The page's first form names itself in a <c>_handler</c> field when it is a Razor component's; that goes too.
    public async Task<HttpResponseMessage> SubmitAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var html = await (await Client.GetAsync(page)).Content.ReadAsStringAsync();
        var handler = HandlerField().Match(html);
        (string, string)[] form = handler.Success ? [("_handler", WebUtility.HtmlDecode(handler.Groups[1].Value))] : [];
        return await PostFormAsync(action, [("__RequestVerificationToken", Token(page, html)), .. form, .. fields]);
    }

    public Task<HttpResponseMessage> PostFormAsync(string action, params (string Name, string Value)[] fields) =>
        Client.PostAsync(action, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null) =>
        SubmitAsync("/signin", "/signin",
            [("email", email), ("password", password), .. returnUrl is null ? [] : new[] { ("returnUrl", returnUrl) }]);

    public async Task<string> TokenAsync(string page) => Token(page, await (await Client.GetAsync(page)).Content.ReadAsStringAsync());

    private static string Token(string page, string html)
    {
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"{page} has no antiforgery token: {html}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The page cookie a response set, as "name=value", or null.</summary>
    public static string? PageCookie(HttpResponseMessage response) =>
        SetCookies(response).FirstOrDefault(c => c.StartsWith("tollgate.pages=", StringComparison.Ordinal) && c.Split(';')[0].Length > 15)
            ?.Split(';')[0];

    public static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex HandlerField();
}
