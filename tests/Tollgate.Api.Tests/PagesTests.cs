using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tollgate.Api.Tests;

public sealed class PagesTests : ApiTestBase
{
    [Fact]
    public async Task The_sign_in_form_carries_an_antiforgery_token_and_keeps_only_a_local_return_url()
    {
        var browser = new Browser(Api);

        var form = await browser.GetAsync("/signin?returnUrl=%2Fops%3Fx%3D1");
        var html = await form.Content.ReadAsStringAsync();
        var offsite = await (await browser.GetAsync("/signin?returnUrl=%2F%2Fevil.example%2F")).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("text/html", form.Content.Headers.ContentType?.MediaType);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
        Assert.Contains("name=\"email\"", html);
        Assert.Contains("name=\"password\"", html);
        Assert.Contains("name=\"returnUrl\" value=\"/ops?x=1\"", html);
        Assert.Contains(Browser.SetCookies(form), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.DoesNotContain("name=\"returnUrl\"", offsite); // only the language links carry the page's own address
        Assert.Contains("no-store", form.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_post_without_an_antiforgery_token_is_refused_with_400()
    {
        var browser = new Browser(Api);
        await browser.GetAsync("/signin"); // has the antiforgery cookie, but posts no token

        var (email, password) = (ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);
        var response = await browser.PostFormAsync("/signin", ("email", email), ("password", password));
        var json = await browser.Client.PostAsJsonAsync("/signin", new { email, password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(Browser.PageCookie(response));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Null(Browser.PageCookie(json));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer_and_no_cookie()
    {
        var browser = new Browser(Api);

        var wrong = await browser.SignInAsync(ApiFactory.OperatorEmail, "not-the-password");
        var unknown = await browser.SignInAsync("nobody@example.com", "not-the-password");
        var empty = await browser.SignInAsync("", "");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Null(Browser.PageCookie(wrong));
        Assert.Null(Browser.PageCookie(unknown));
        Assert.Contains("The email or password is wrong.", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("The email or password is wrong.", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/ops")).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_count_towards_the_same_lockout_as_the_api()
    {
        var carol = await Api.RegisterAsync("carol@example.com");
        for (var i = 0; i < 5; i++)
            await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = carol.Email, password = "wrong-pass" });

        var locked = await new Browser(Api).SignInAsync(carol.Email, carol.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Null(Browser.PageCookie(locked));
    }

    [Fact]
    public async Task The_operator_signs_in_with_a_strict_http_only_cookie_and_reaches_ops()
    {
        var browser = new Browser(Api);

        var signedIn = await browser.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, returnUrl: "/ops");
        var ops = await browser.GetAsync("/ops");

        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Equal("/ops", signedIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(Browser.SetCookies(signedIn), c => c.StartsWith("tollgate.pages=", StringComparison.Ordinal))
            .ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        Assert.DoesNotContain("secure", cookie); // plain HTTP here; HTTPS requests get Secure
        Assert.DoesNotContain("expires", cookie); // a browser-session cookie
        Assert.Equal(HttpStatusCode.OK, ops.StatusCode);
        Assert.Contains(ApiFactory.OperatorEmail, await ops.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Over_https_the_cookie_is_also_secure()
    {
        var browser = new Browser(Api, new Uri("https://localhost"));

        var signedIn = await browser.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);

        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Contains("; secure", Assert.Single(Browser.SetCookies(signedIn), c => c.StartsWith("tollgate.pages=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sign_in_lands_on_the_portal_unless_the_return_url_is_local()
    {
        var plain = await new Browser(Api).SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);
        var offsite = await new Browser(Api).SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "https://evil.example/");
        var sneaky = await new Browser(Api).SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, "/\\evil.example");

        Assert.Equal("/app", plain.Headers.Location?.OriginalString);
        Assert.Equal("/app", offsite.Headers.Location?.OriginalString);
        Assert.Equal("/app", sneaky.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/\u3000/evil.com", "/%E3%80%80/evil.com")]
    [InlineData("/a b?q=ü#x", "/a%20b?q=%C3%BC#x")]
    public async Task A_return_url_outside_ascii_lands_percent_encoded_with_one_session_per_sign_in(string returnUrl, string location)
    {
        // Over Kestrel, which refuses to send a header that is not ASCII (the test server would pass it on).
        await Api.DisposeAsync();
        await using var api = new ApiFactory(Storage, Mailbox);
        // A port of its own rather than UseKestrel(0), whose port setting races Kestrel's own start (dotnet/aspnetcore#67714).
        var port = Tollgate.Testing.FreePorts.Next();
        api.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        api.StartServer();
        var address = new Uri($"http://127.0.0.1:{port}");
        api.ClientOptions.BaseAddress = address;
        var ops = api.As((await api.LoginOperatorAsync()).AccessToken);
        var before = await SessionsStartedAsync(ops);

        var signedIn = await new Browser(address).SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Equal(location, signedIn.Headers.Location?.OriginalString);
        Assert.NotNull(Browser.PageCookie(signedIn));
        Assert.Equal(before + 1, await SessionsStartedAsync(ops));
    }

    private static async Task<int> SessionsStartedAsync(HttpClient operatorClient) =>
        (await Json(await operatorClient.GetAsync("/v1/admin/audit-log?limit=500"))).GetProperty("items").EnumerateArray()
            .Count(i => i.GetProperty("action").GetString() == "session.started");

    [Fact]
    public async Task Ops_without_a_cookie_redirects_to_sign_in_and_a_bearer_token_does_not_count()
    {
        var operatorToken = (await Api.LoginOperatorAsync()).AccessToken;
        var anonymous = await new Browser(Api).GetAsync("/ops");
        var bearer = new Browser(Api);
        bearer.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);

        var withToken = await bearer.GetAsync("/ops");

        Assert.Equal(HttpStatusCode.Found, anonymous.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fops", anonymous.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Found, withToken.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_user_who_is_not_the_operator_gets_403()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var browser = new Browser(Api);

        var signedIn = await browser.SignInAsync(alice.Email, alice.Password, "/ops");
        var ops = await browser.GetAsync("/ops");

        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, ops.StatusCode);
        Assert.Equal("text/html", ops.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_page_cookie_is_not_a_credential_for_the_json_api()
    {
        var browser = new Browser(Api);
        await browser.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword);

        await AssertProblem(await browser.GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await browser.GetAsync("/v1/admin/tenants"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/ops")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_so_a_copy_of_the_cookie_is_refused()
    {
        var browser = new Browser(Api);
        var cookie = Browser.PageCookie(await browser.SignInAsync(ApiFactory.OperatorEmail, ApiFactory.OperatorPassword))!;

        var withoutToken = await browser.PostFormAsync("/signout");
        var signedOut = await browser.SubmitAsync("/ops", "/signout");

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        Assert.Equal("/signin", signedOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/ops")).StatusCode);
        Assert.Equal(HttpStatusCode.Found, (await WithCookie(cookie).GetAsync("/ops")).StatusCode);
        var audit = await Json(await Api.As((await Api.LoginOperatorAsync()).AccessToken).GetAsync("/v1/admin/audit-log?limit=500"));
        Assert.Contains("session.ended", audit.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_disabled_user_or_a_revoked_session_loses_the_cookie_at_once()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var bob = await Api.RegisterAsync("bob@example.com");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        var aliceBrowser = new Browser(Api);
        var bobBrowser = new Browser(Api);
        await aliceBrowser.SignInAsync(alice.Email, alice.Password);
        await bobBrowser.SignInAsync(bob.Email, bob.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await aliceBrowser.GetAsync("/ops")).StatusCode); // signed in, not the operator
        Assert.Equal(HttpStatusCode.Forbidden, (await bobBrowser.GetAsync("/ops")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/v1/admin/users/{alice.UserId}/disable", null)).StatusCode);
        // Changing the password revokes every session of bob's.
        Assert.Equal(HttpStatusCode.NoContent, (await Api.As(bob.AccessToken)
            .PostAsJsonAsync("/v1/me/password", new { currentPassword = bob.Password, newPassword = "another-password" })).StatusCode);

        var disabled = await aliceBrowser.GetAsync("/ops");
        var revoked = await bobBrowser.GetAsync("/ops");
        Assert.Equal(HttpStatusCode.Found, disabled.StatusCode); // no longer signed in at all
        Assert.Equal("/signin?returnUrl=%2Fops", disabled.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Found, revoked.StatusCode);
        Assert.Contains(Browser.SetCookies(revoked), c => c.StartsWith("tollgate.pages=;", StringComparison.Ordinal)); // and it is deleted
    }

    private HttpClient WithCookie(string cookie)
    {
        var client = Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
