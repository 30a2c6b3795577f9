using System.Net;
using System.Net.Http.Json;

namespace Tollgate.Api.Tests;

/// <summary>Password rules, email normalization and look-alikes, disabled accounts, and what failed logins store.</summary>
public sealed class AccountRulesTests : ApiTestBase
{
    public static TheoryData<string, string> WeakPasswords => new()
    {
        { "dave@example.com", "elevenchars" },        // 11 characters
        { "dave@example.com", "DAVE@EXAMPLE.COM" },   // the email
        { "averylongname@example.com", "AVeryLongName" }, // the part before the @
        { "dave@example.com", "zzzzzzzzzzzzzzzz" },   // one character repeated
    };

    [Theory, MemberData(nameof(WeakPasswords))]
    public async Task Registration_refuses_a_weak_password_naming_the_field_and_creates_nothing(string email, string password)
    {
        var response = await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email, password });

        await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        var errors = (await Json(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("password", out _));
        Assert.Single(errors.EnumerateObject());
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email, password }), HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(WeakPasswords))]
    public async Task A_password_change_refuses_a_weak_password_and_keeps_the_old_one(string email, string password)
    {
        var account = await Api.RegisterAsync(email, "the-first-password");

        var response = await Api.As(account.AccessToken).PostAsJsonAsync("/v1/me/password", new { currentPassword = account.Password, newPassword = password });

        await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email, password = account.Password })).StatusCode);
    }

    [Fact]
    public async Task Fullwidth_and_other_compatibility_forms_of_an_email_are_the_same_email()
    {
        var full = await Api.RegisterAsync("ｆｕｌｌ@ｅｘａｍｐｌｅ.ｃｏｍ");

        Assert.Equal("full@example.com", (await Json(await Api.As(full.AccessToken).GetAsync("/v1/me"))).GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "full@example.com", password = full.Password })).StatusCode);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "FULL@example.com", password = "another-password" }),
            HttpStatusCode.Conflict, "email_taken");
    }

    [Theory]
    [InlineData("pаypal@example.com")] // Cyrillic а
    [InlineData("paypa1@example.com")] // digit one
    [InlineData("pαypαl@ехample.com")] // Greek α, Cyrillic е and х
    public async Task A_look_alike_of_a_verified_email_is_taken_and_told_so_as_any_taken_email(string lookAlike)
    {
        await Api.VerifyEmailAsync(await Api.RegisterAsync("paypal@example.com"));
        var taken = await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "PayPal@example.com", password = "another-password" });

        var refused = await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = lookAlike, password = "another-password" });

        await AssertProblem(refused, HttpStatusCode.Conflict, "email_taken");
        Assert.Equal(await SansTraceAsync(taken), await SansTraceAsync(refused));
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = lookAlike, password = "another-password" }), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Created, (await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "paypal2@example.com", password = "another-password" })).StatusCode);
    }

    [Fact]
    public async Task A_disabled_account_is_named_only_to_whoever_knows_its_password()
    {
        var bob = await Api.RegisterAsync("bob@example.com");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/v1/admin/users/{bob.UserId}/disable", null)).StatusCode);

        var right = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = bob.Email, password = bob.Password });
        var wrong = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = bob.Email, password = "not-bobs-password" });
        var unknown = await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "nobody@example.com", password = "not-bobs-password" });

        await AssertProblem(right, HttpStatusCode.Forbidden, "account_disabled");
        await AssertProblem(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(await SansTraceAsync(unknown), await SansTraceAsync(wrong));
    }

    [Fact]
    public async Task The_sign_in_page_names_a_disabled_account_only_after_the_right_password()
    {
        var bob = await Api.RegisterAsync("bob@example.com");
        var ops = Api.As((await Api.LoginOperatorAsync()).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/v1/admin/users/{bob.UserId}/disable", null)).StatusCode);

        var right = await new Browser(Api).SignInAsync(bob.Email, bob.Password);
        var wrong = await new Browser(Api).SignInAsync(bob.Email, "not-bobs-password");

        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Contains("disabled", await right.Content.ReadAsStringAsync());
        Assert.Null(Browser.PageCookie(right));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("The email or password is wrong.", wrongPage);
        Assert.DoesNotContain("disabled", wrongPage);
    }

    [Fact]
    public async Task Failed_logins_for_an_email_without_an_account_store_nothing_yet_count_as_any_failure()
    {
        await Api.RegisterAsync("real@example.com");
        for (var i = 0; i < 5; i++)
            await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "ghost@example.com", password = "some-password" }),
                HttpStatusCode.Unauthorized, "invalid_credentials");
        // Locked out like a real account's email would be, so the lockout does not tell them apart.
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = "ghost@example.com", password = "some-password" }),
            HttpStatusCode.TooManyRequests, "too_many_attempts");
        await Api.DisposeAsync();

        var stored = await StoredTextAsync();

        Assert.Contains("real@example.com", stored); // the scan does see accounts
        Assert.DoesNotContain("ghost@example.com", stored);
    }

    /// <summary>A problem document without its per-request trace id, to compare two answers.</summary>
    private static async Task<string> SansTraceAsync(HttpResponseMessage response) =>
        string.Join(',', (await Json(response)).EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));
}
