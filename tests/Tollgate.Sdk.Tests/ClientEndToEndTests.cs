using Tollgate.Client;

namespace Tollgate.Sdk.Tests;

/// <summary>The client against a real silo (the shared harness), each test with a tenant of its own.</summary>
[Collection(HarnessCollection.Name)]
public sealed class ClientEndToEndTests(Harness harness)
{
    [Fact]
    public async Task A_consume_whose_answer_is_dropped_is_retried_and_answered_with_the_replay_deducting_once()
    {
        var tenant = await harness.NewTenantAsync();
        using var viaProxy = new DirectClient(harness.ProxyUrl, tenant, options => options.RetryDelay = TimeSpan.FromMilliseconds(10));

        await harness.DropNextAnswerAsync();
        var consumed = await viaProxy.Client.ConsumeQuotaAsync(new QuotaRequest(harness.Description.QuotaType, 1));

        Assert.True(consumed.Replayed);
        Assert.Equal((1, 9), (consumed.Used, consumed.Remaining));
        var quota = (await viaProxy.Client.GetQuotasAsync(tenant.TenantId)).Single(q => q.QuotaType == harness.Description.QuotaType);
        Assert.Equal(1, quota.Used);
        Assert.Single(viaProxy.Logs.Entries, e => e.Message.Contains("retrying"));
    }

    [Fact]
    public async Task Quota_consume_check_and_refund_by_consume_id()
    {
        var tenant = await harness.NewTenantAsync();
        using var tollgate = new DirectClient(harness.BaseUrl, tenant);
        var quotaType = harness.Description.QuotaType;

        var consumed = await tollgate.Client.ConsumeQuotaAsync(new QuotaRequest(quotaType, 3, tenant.TenantId));
        var fits = await tollgate.Client.CheckQuotaAsync(new QuotaRequest(quotaType, 7));
        var doesNotFit = await tollgate.Client.CheckQuotaAsync(new QuotaRequest(quotaType, 8));
        var refunded = await tollgate.Client.RefundQuotaAsync(new QuotaRefundRequest(quotaType, 3, consumed.ConsumeId));

        Assert.Equal(new QuotaConsumeResponse(true, 10, 3, 7, null, consumed.ConsumeId), consumed);
        Assert.False(string.IsNullOrEmpty(consumed.ConsumeId));
        Assert.Equal(new QuotaCheckResponse(true, 10, 3, 7, null), fits);
        Assert.Equal(new QuotaCheckResponse(false, 10, 3, 7, null), doesNotFit);
        Assert.Equal(new QuotaRefundResponse(3, 10, 0, 10, null), refunded);
    }

    [Fact]
    public async Task Tollgates_refusals_are_typed_exceptions_with_its_problem_document()
    {
        var tenant = await harness.NewTenantAsync();
        var other = await harness.NewTenantAsync();
        using var tollgate = new DirectClient(harness.BaseUrl, tenant);
        var quotaType = harness.Description.QuotaType;

        var exceeded = await Assert.ThrowsAsync<QuotaExceededException>(
            () => tollgate.Client.ConsumeQuotaAsync(new QuotaRequest(quotaType, 11)));
        var short_ = await Assert.ThrowsAsync<InsufficientCreditsException>(
            () => tollgate.Client.ConsumeCreditsAsync(new CreditsConsumeRequest(harness.Description.Tool, 51)));
        var unknown = await Assert.ThrowsAsync<TollgateException>(
            () => tollgate.Client.ConsumeQuotaAsync(new QuotaRequest("sdk/nothing", 1)));
        var notMine = await Assert.ThrowsAsync<TollgateException>(
            () => tollgate.Client.ConsumeQuotaAsync(new QuotaRequest(quotaType, 1, other.TenantId)));

        Assert.Equal((10, 0, 10, (DateTimeOffset?)null), (exceeded.Limit, exceeded.Used, exceeded.Remaining, exceeded.ResetsAt));
        Assert.Equal("10", exceeded.Headers["X-Quota-Remaining"]);
        Assert.Equal((102, 100, 0, 100), (short_.Needed, short_.Balance, short_.Held, short_.Available));
        Assert.Equal("100", short_.Headers["X-Credits-Remaining"]);
        Assert.Equal((404, "unknown_quota_type"), (unknown.StatusCode, unknown.Code));
        Assert.Equal((404, "not_found"), (notMine.StatusCode, notMine.Code));
        Assert.Equal(0, (await tollgate.Client.GetQuotasAsync(tenant.TenantId)).Single(q => q.QuotaType == quotaType).Used);
    }

    [Fact]
    public async Task Credits_spend_refund_and_reservations_settled_and_released()
    {
        var tenant = await harness.NewTenantAsync();
        using var tollgate = new DirectClient(harness.BaseUrl, tenant);
        var tool = harness.Description.Tool;

        var spent = await tollgate.Client.ConsumeCreditsAsync(new CreditsConsumeRequest(tool, 5));
        var refunded = await tollgate.Client.RefundCreditsAsync(new CreditsRefundRequest(spent.SpendId, Credits: 4));
        var reserved = await tollgate.Client.CreateReservationAsync(new ReservationRequest(tool, 5, 600));
        var settled = await tollgate.Client.SettleReservationAsync(reserved.Id, new SettleReservationRequest(3));
        var held = await tollgate.Client.CreateReservationAsync(new ReservationRequest(tool, 2, 600, tenant.TenantId));
        var released = await tollgate.Client.ReleaseReservationAsync(held.Id);
        var wallet = await tollgate.Client.GetCreditsAsync(tenant.TenantId);

        Assert.Equal((100 - 10, 10), (spent.Available, spent.Spent));
        Assert.Equal((4, 94), (refunded.Refunded, refunded.Available));
        Assert.Equal((10, 84), (reserved.Held, reserved.Available));
        Assert.Equal((6, 4, 88), (settled.Spent, settled.Released, settled.Available));
        Assert.NotNull(settled.SpendId);
        Assert.Equal((4, 88), (released.Released, released.Available));
        Assert.Equal((88, 0, 88), (wallet.Balance, wallet.Held, wallet.Available));
        Assert.Equal(88, wallet.Grants.Sum(g => g.Remaining));
    }

    [Fact]
    public async Task Usage_is_read_with_the_tenants_key()
    {
        var tenant = await harness.NewTenantAsync();
        using var tollgate = new DirectClient(harness.BaseUrl, tenant);
        var quotaType = harness.Description.QuotaType;
        var consumed = await tollgate.Client.ConsumeQuotaAsync(new QuotaRequest(quotaType, 3));
        await tollgate.Client.RefundQuotaAsync(new QuotaRefundRequest(quotaType, 1, consumed.ConsumeId));

        var usage = await tollgate.Client.GetUsageAsync(tenant.TenantId, new UsageQuery(QuotaType: quotaType, GroupBy: "month"));

        var month = Assert.Single(usage.Items);
        Assert.Equal((quotaType, 3, 1, 2), (month.QuotaType, month.Consumed, month.Refunded, month.Net));
    }

    [Fact]
    public async Task One_platform_key_consumes_for_each_tenant_its_calls_name_and_none_without_one()
    {
        var first = await harness.NewTenantAsync();
        var second = await harness.NewTenantAsync();
        using var platform = new DirectClient(harness.BaseUrl, harness.Description.PlatformKey);
        var quotaType = harness.Description.QuotaType;

        await platform.Client.ConsumeQuotaAsync(new QuotaRequest(quotaType, 2, first.TenantId));
        await platform.Client.ConsumeQuotaAsync(new QuotaRequest(quotaType, 5, second.TenantId));
        var spent = await platform.Client.ConsumeCreditsAsync(new CreditsConsumeRequest(harness.Description.Tool, 1, second.TenantId));
        var unnamed = await Assert.ThrowsAsync<TollgateException>(() => platform.Client.ConsumeQuotaAsync(new QuotaRequest(quotaType, 1)));

        Assert.Equal(2, (await platform.Client.GetQuotasAsync(first.TenantId)).Single(q => q.QuotaType == quotaType).Used);
        Assert.Equal(5, (await platform.Client.GetQuotasAsync(second.TenantId)).Single(q => q.QuotaType == quotaType).Used);
        Assert.Equal((98, 100), (spent.Available, (await platform.Client.GetCreditsAsync(first.TenantId)).Available));
        Assert.Equal((400, "validation_failed"), (unnamed.StatusCode, unnamed.Code));
    }
}
