using System.Net;
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

}
