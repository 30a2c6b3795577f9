using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Tollgate.Testing;

namespace Tollgate.Api.Tests;

/// <summary>
/// Account emails through a real SMTP server in the test process: verification links, the look-alike rule,
/// password reset, and an outbox that keeps a message until the mail server takes it.
/// </summary>
public sealed class EmailTests : ApiTestBase
{
    private const string VerifyUrl = "/v1/auth/verify-email";
    private const string ResetUrl = "/v1/auth/password-reset";
    private const string ConfirmUrl = "/v1/auth/password-reset/confirm";

    [Fact]
    public async Task Registering_emails_a_link_whose_token_verifies_the_address_once_and_is_never_stored_in_clear()
    {
        var ann = await Api.RegisterAsync("ann@example.com");
        var me = Api.As(ann.AccessToken);
        Assert.False((await Json(await me.GetAsync("/v1/me"))).GetProperty("emailVerified").GetBoolean());

        var message = Assert.Single(await Mailbox.WaitForAsync(ann.Email));
        var link = TestMailbox.LinkIn(message);
        Assert.Equal("http://tollgate.test/verify-email", link.GetLeftPart(UriPartial.Path));
        Assert.Equal("no-reply@tollgate.test", message.From.Mailboxes.Single().Address);
        var token = TestMailbox.TokenIn(message);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync(VerifyUrl, new { token = token[..^1] + (token[^1] == 'A' ? 'B' : 'A') }),
            HttpStatusCode.BadRequest, "invalid_token");
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync(VerifyUrl, new { token = "not-a-token" }), HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Anonymous().PostAsJsonAsync(VerifyUrl, new { token })).StatusCode);

        Assert.True((await Json(await me.GetAsync("/v1/me"))).GetProperty("emailVerified").GetBoolean());
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync(VerifyUrl, new { token }), HttpStatusCode.BadRequest, "invalid_token"); // once
        await AssertProblem(await me.PostAsync($"{VerifyUrl}/resend", null), HttpStatusCode.Conflict, "email_already_verified");
        await Api.DisposeAsync();
        var stored = await StoredTextAsync();
        Assert.DoesNotContain(token.Split('.')[1], stored);
        Assert.DoesNotContain(token, stored);
    }

    [Fact]
    public async Task Resending_replaces_the_link_and_needs_a_login()
    {
        var bo = await Api.RegisterAsync("bo@example.com");
        var first = TestMailbox.TokenIn(Assert.Single(await Mailbox.WaitForAsync(bo.Email)));
        await AssertProblem(await Api.Anonymous().PostAsync($"{VerifyUrl}/resend", null), HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.Accepted, (await Api.As(bo.AccessToken).PostAsync($"{VerifyUrl}/resend", null)).StatusCode);
        var second = TestMailbox.TokenIn((await Mailbox.WaitForAsync(bo.Email, count: 2))[1]);

        Assert.NotEqual(first, second);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync(VerifyUrl, new { token = first }), HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Anonymous().PostAsJsonAsync(VerifyUrl, new { token = second })).StatusCode);
    }

    [Fact]
    public async Task The_link_opens_a_page_whose_button_verifies_the_address()
    {
        var cy = await Api.RegisterAsync("cy@example.com");
        var link = TestMailbox.LinkIn(Assert.Single(await Mailbox.WaitForAsync(cy.Email)));
        var browser = Api.CreateClient(); // keeps the antiforgery cookie, as a browser does

        var page = await browser.GetStringAsync(link.PathAndQuery);
        Assert.False((await Json(await Api.As(cy.AccessToken).GetAsync("/v1/me"))).GetProperty("emailVerified").GetBoolean()); // opening changes nothing
        var form = System.Text.RegularExpressions.Regex.Matches(page, "name=\"([^\"]+)\" value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        var posted = await browser.PostAsync("/verify-email", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Your email address is verified", await posted.Content.ReadAsStringAsync());
        Assert.True((await Json(await Api.As(cy.AccessToken).GetAsync("/v1/me"))).GetProperty("emailVerified").GetBoolean());
    }

    [Fact]
    public async Task An_unverified_look_alike_does_not_lock_out_the_invited_address_but_a_verified_one_takes_its_look_alikes()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        var invited = await Api.As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/invitations", new { email = "frank@example.com", role = "member" });
        var invitationId = (await Json(invited)).GetProperty("id").GetString();
        var squatter = await Api.RegisterAsync("frаnk@example.com"); // Cyrillic а

        var frank = await Api.RegisterAsync("frank@example.com");
        await Api.VerifyEmailAsync(frank);
        var accepted = await Api.As(frank.AccessToken).PostAsync($"/v1/invitations/{invitationId}/accept", null);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await AssertProblem(await Api.As(squatter.AccessToken).GetAsync("/v1/me/invitations"), HttpStatusCode.Forbidden, "email_unverified");
        // Now that frank@ is proven, its look-alikes are taken, as any taken email is.
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "frank@ехample.com", password = "another-password" }),
            HttpStatusCode.Conflict, "email_taken");
        // And the squatter, if it ever reached a mailbox for its address, could not verify it any more.
        await Api.VerifyEmailAsync(await Api.RegisterAsync("ada@example.com"));
        var adaLookAlike = await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "аda@example.com", password = "another-password" });
        await AssertProblem(adaLookAlike, HttpStatusCode.Conflict, "email_taken");
    }

    [Fact]
    public async Task A_look_alike_verified_first_cannot_keep_an_invited_address_out()
    {
        var owner = await Api.RegisterAsync("owner@example.com");
        var lookAlike = await Api.RegisterAsync("gina@ехample.com"); // a domain that looks the same, whose mailbox its registrant may hold
        await Api.VerifyEmailAsync(lookAlike);
        await AssertProblem(await Api.Anonymous().PostAsJsonAsync("/v1/auth/register", new { email = "gina@example.com", password = "another-password" }),
            HttpStatusCode.Conflict, "email_taken");

        var invited = await Api.As(owner.AccessToken).PostAsJsonAsync($"/v1/tenants/{owner.TenantId}/invitations", new { email = "gina@example.com", role = "member" });
        var gina = await Api.RegisterAsync("gina@example.com");
        await Api.VerifyEmailAsync(gina);

        Assert.Equal(HttpStatusCode.OK,
            (await Api.As(gina.AccessToken).PostAsync($"/v1/invitations/{(await Json(invited)).GetProperty("id").GetString()}/accept", null)).StatusCode);
    }

    [Fact]
    public async Task A_password_reset_link_works_once_for_30_minutes_and_ends_every_login()
    {
        var dee = await Api.RegisterAsync("dee@example.com", password: "old-password-1");
        var other = Api.Anonymous();
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync(ResetUrl, new { email = "nobody@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync(ResetUrl, new { email = " Dee@Example.com" })).StatusCode);
        await AssertProblem(await other.PostAsJsonAsync(ResetUrl, new { email = "not an email" }), HttpStatusCode.BadRequest, "validation_failed");

        var reset = (await Mailbox.WaitForAsync(dee.Email, count: 2)).Single(m => (m.Subject ?? "").Contains("password", StringComparison.Ordinal));
        Assert.Equal("http://tollgate.test/reset-password", TestMailbox.LinkIn(reset).GetLeftPart(UriPartial.Path));
        var token = TestMailbox.TokenIn(reset);
        await AssertProblem(await other.PostAsJsonAsync(ConfirmUrl, new { token, newPassword = "short" }), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await other.PostAsJsonAsync(ConfirmUrl, new { token, newPassword = "new-password-2" })).StatusCode);

        Assert.DoesNotContain(Mailbox.Received, m => m.To.Mailboxes.Any(a => a.Address == "nobody@example.com"));
        await AssertProblem(await Api.As(dee.AccessToken).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        await AssertProblem(await other.PostAsJsonAsync("/v1/auth/refresh", new { refreshToken = dee.RefreshToken }), HttpStatusCode.Unauthorized);
        await AssertProblem(await other.PostAsJsonAsync("/v1/auth/login", new { email = dee.Email, password = "old-password-1" }), HttpStatusCode.Unauthorized);
        var login = await other.PostAsJsonAsync("/v1/auth/login", new { email = dee.Email, password = "new-password-2" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        await AssertProblem(await other.PostAsJsonAsync(ConfirmUrl, new { token, newPassword = "new-password-3" }), HttpStatusCode.BadRequest, "invalid_token");
        // The link reached the mailbox, so the address counts as verified.
        Assert.True((await Json(await Api.As((await Json(login)).GetProperty("accessToken").GetString()!).GetAsync("/v1/me")))
            .GetProperty("emailVerified").GetBoolean());

        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync(ResetUrl, new { email = dee.Email })).StatusCode);
        var late = TestMailbox.TokenIn((await Mailbox.WaitForAsync(dee.Email, count: 3))[2]);
        Api.Clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        await AssertProblem(await other.PostAsJsonAsync(ConfirmUrl, new { token = late, newPassword = "new-password-4" }), HttpStatusCode.BadRequest, "invalid_token");
    }

    [Fact]
    public async Task An_email_goes_out_at_once_when_Tollgates_clock_is_ahead_of_the_machines()
    {
        // The outbox row is due at Tollgate's time; a sender reading the machine's clock would hold it back by the difference.
        Api.Clock.Advance(TimeSpan.FromHours(1));
        var ahead = await Api.RegisterAsync("ahead@example.com");
        Assert.Single(await Mailbox.WaitForAsync(ahead.Email, count: 1));
    }

    [Fact]
    public async Task A_reset_link_is_refused_after_five_wrong_tries_and_a_bad_token_is_one_answer()
    {
        var eve = await Api.RegisterAsync("eve@example.com");
        Assert.Equal(HttpStatusCode.Accepted, (await Api.Anonymous().PostAsJsonAsync(ResetUrl, new { email = eve.Email })).StatusCode);
        var token = TestMailbox.TokenIn((await Mailbox.WaitForAsync(eve.Email, count: 2)).Single(m => (m.Subject ?? "").Contains("password", StringComparison.Ordinal)));
        var wrong = $"{eve.UserId}.{new string('A', 43)}";
        var unknownUser = $"usr_{new string('0', 32)}.{token.Split('.')[1]}";

        foreach (var bad in new[] { wrong, wrong, wrong, wrong, wrong, unknownUser, "garbage", token + "x" })
            await AssertProblem(await Api.Anonymous().PostAsJsonAsync(ConfirmUrl, new { token = bad, newPassword = "new-password-2" }),
                HttpStatusCode.BadRequest, "invalid_token");

        await AssertProblem(await Api.Anonymous().PostAsJsonAsync(ConfirmUrl, new { token, newPassword = "new-password-2" }),
            HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal(HttpStatusCode.OK, (await Api.As(eve.AccessToken).GetAsync("/v1/me")).StatusCode); // nothing changed
    }

    [Fact]
    public async Task An_email_waits_in_the_outbox_while_the_mail_server_is_down_and_goes_out_once_after_a_restart()
    {
        await Mailbox.StopAsync();
        var fay = await Api.RegisterAsync("fay@example.com"); // answered at once: sending never blocks the request
        await EventuallyAsync(async () => await AttemptsAsync() >= 2, "the sender did not try the mail server again");
        await Api.DisposeAsync();

        var restarted = await StartAsync();
        Mailbox.Start();
        var message = Assert.Single(await Mailbox.WaitForAsync(fay.Email));
        Assert.Equal(HttpStatusCode.NoContent,
            (await restarted.Anonymous().PostAsJsonAsync(VerifyUrl, new { token = TestMailbox.TokenIn(message) })).StatusCode);
        await EventuallyAsync(async () => await SentAsync() == 1, "the sent email was not marked sent");
        Assert.Single(Mailbox.Received); // sent once, though the silo restarted mid-way

        async Task<long> AttemptsAsync() => await ScalarAsync("SELECT COALESCE(MAX(attempts), 0) FROM email_outbox");
        async Task<long> SentAsync() => await ScalarAsync("SELECT count(*) FROM email_outbox WHERE outcome = 'sent' AND payload IS NULL");
    }

    [Fact]
    public async Task Refused_links_and_resets_for_unknown_emails_leave_no_activations_behind()
    {
        var management = Api.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        async Task<int> ActivationsAsync() => (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.StartsWith("Tollgate.Grains.Identity.UserGrain,", StringComparison.Ordinal)
                || s.GrainType.StartsWith("Tollgate.Grains.Identity.EmailAccountGrain,", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
        var before = await ActivationsAsync();
        Assert.True(before >= 2, "the operator's user and email account are active"); // the count sees these grains at all
        var secret = new string('A', 43);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var unknownUser = $"usr_{i:x32}.{secret}";
            await AssertProblem(await Api.Anonymous().PostAsJsonAsync(VerifyUrl, new { token = unknownUser }), HttpStatusCode.BadRequest, "invalid_token");
            await AssertProblem(await Api.Anonymous().PostAsJsonAsync(ConfirmUrl, new { token = unknownUser, newPassword = "new-password-2" }),
                HttpStatusCode.BadRequest, "invalid_token");
            Assert.Equal(HttpStatusCode.Accepted, (await Api.Anonymous().PostAsJsonAsync(ResetUrl, new { email = $"nobody{i}@example.com" })).StatusCode);
        }));

        await EventuallyAsync(async () => await ActivationsAsync() <= before, "refused requests left user or email activations behind");
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(Storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
