using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using static Tollgate.Api.Tests.CatalogFixture;

namespace Tollgate.Api.Tests;

/// <summary>
/// Floods of refused requests naming made-up keys (quota types, tenants, API keys, refresh tokens,
/// emails, idempotency keys, invitations) cost a bounded number of activations, as the silo's
/// management grain counts them: none at all where the answer is known without a grain, and where a
/// grain must be asked, activations that hold nothing are gone once idle.
/// </summary>
public sealed class GrainFloodTests : ApiTestBase
{
    private const int Flood = 500;
    /// <summary>Activations a flood may leave behind: grains a request legitimately wakes, never one per request.</summary>
    private const int Bound = 5;

    [Fact]
    public async Task Consumes_checks_and_refunds_naming_unknown_quota_types_activate_no_counter()
    {
        await CreateAsync(Api);
        var owner = await Api.RegisterAsync("flood-quota@example.com");
        var app = Api.WithApiKey(await Api.IssueApiKeyAsync(owner, "quota:consume"));
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);
        var before = await ActivationsAsync("quota-counter");

        await FloodAsync(i => (i % 3) switch
        {
            0 => app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = $"chat/made-up-{i}", amount = 1 }),
            1 => app.PostAsJsonAsync("/v1/quota/check", new { quotaType = $"chat/made-up-{i}", amount = 1 }),
            _ => app.PostAsJsonAsync("/v1/quota/refund", new { quotaType = $"made-up/{i}", amount = 1, consumeId = "cns_0" }),
        }, HttpStatusCode.NotFound, "unknown_quota_type");

        Assert.InRange(await ActivationsAsync("quota-counter"), 0, before + Bound);
        // Known quota types still count as before.
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsJsonAsync("/v1/quota/consume", new { quotaType = Messages, amount = 1 })).StatusCode);
    }

    /// <summary>Sends <paramref name="count"/> requests, 25 at a time, and checks each is refused as expected.</summary>
    private static Task FloodAsync(Func<int, Task<HttpResponseMessage>> request, HttpStatusCode refused, string? code = null, int count = Flood) =>
        FloodAsync(request, _ => refused, code, count);

    private static async Task FloodAsync(
        Func<int, Task<HttpResponseMessage>> request, Func<int, HttpStatusCode> refused, string? code = null, int count = Flood)
    {
        for (var start = 0; start < count; start += 25)
        {
            var indexes = Enumerable.Range(start, Math.Min(25, count - start)).ToList();
            var responses = await Task.WhenAll(indexes.Select(request));
            for (var i = 0; i < responses.Length; i++)
            {
                if (refused(indexes[i]) is var status && status == HttpStatusCode.NoContent) Assert.Equal(status, responses[i].StatusCode);
                else await AssertProblem(responses[i], status, code);
            }
        }
    }

    /// <summary>Activations of a grain type (and key, when given) on the silo, as its management grain reports them.</summary>
    private async Task<int> ActivationsAsync(string grainType, string? key = null)
    {
        var management = Api.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        return (await management.GetDetailedGrainStatistics())
            .Count(s => s.GrainId.Type.ToString() == grainType && (key is null || s.GrainId.Key.ToString() == key));
    }

    /// <summary>Waits until the grain's activation is gone.</summary>
    private Task GoneAsync(string grainType, string key) =>
        EventuallyAsync(async () => await ActivationsAsync(grainType, key) == 0, $"The {grainType} activation of {key} stayed.");

    /// <summary>Waits until the activations the flood woke are gone again, but for <see cref="Bound"/>.</summary>
    private Task GoneAsync(string grainType, int before) =>
        EventuallyAsync(async () => await ActivationsAsync(grainType) <= before + Bound,
            $"{grainType} activations stayed above {before + Bound}.");
}
