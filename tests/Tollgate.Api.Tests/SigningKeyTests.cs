using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Api.Auth;

namespace Tollgate.Api.Tests;

/// <summary>The generated JWT signing key is kept encrypted with Data Protection, and still read back after a restart.</summary>
public sealed class SigningKeyTests : ApiTestBase
{
    [Fact]
    public async Task The_stored_signing_key_is_not_the_raw_key_and_a_restart_still_validates_earlier_tokens()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        var key = Api.Services.GetRequiredService<AccessTokens>().Key.Key;
        await Api.DisposeAsync();

        var stored = await StoredTextAsync();

        Assert.Contains(AccessTokens.SigningKeySecret, stored); // the scan does see the kept secret
        Assert.DoesNotContain(Convert.ToBase64String(key), stored);
        Assert.DoesNotContain(Convert.ToBase64String(key)[..24], stored);
        Assert.DoesNotContain(Convert.ToHexString(key), stored, StringComparison.OrdinalIgnoreCase);

        var restarted = await StartAsync();
        Assert.Equal(key, restarted.Services.GetRequiredService<AccessTokens>().Key.Key);
        Assert.Equal(HttpStatusCode.OK, (await restarted.As(alice.AccessToken).GetAsync("/v1/me")).StatusCode);
    }


    [Fact]
    public async Task Without_its_Data_Protection_keys_the_stored_key_is_replaced_and_everyone_signs_in_again()
    {
        var alice = await Api.RegisterAsync("alice@example.com");
        await Api.DisposeAsync();

        var restarted = await StartAsync(services: s => s.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider()));

        await AssertProblem(await restarted.As(alice.AccessToken).GetAsync("/v1/me"), HttpStatusCode.Unauthorized);
        var login = await restarted.Anonymous().PostAsJsonAsync("/v1/auth/login", new { email = alice.Email, password = alice.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await restarted.As((await Json(login)).GetProperty("accessToken").GetString()!).GetAsync("/v1/me")).StatusCode);
    }
}
