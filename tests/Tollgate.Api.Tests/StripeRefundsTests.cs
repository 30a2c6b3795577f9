using Tollgate.Api.Payments;

namespace Tollgate.Api.Tests;

/// <summary>Which of Stripe's refund events count a refund in revenue, and how: once when it succeeds, back when it fails after.</summary>
public sealed class StripeRefundsTests
{
    [Theory]
    [InlineData("refund.created", "succeeded", null, "re_1", -500)]           // a card's refund, succeeded at once
    [InlineData("refund.updated", "succeeded", "pending", "re_1", -500)]      // a pending refund succeeds
    [InlineData("refund.updated", "succeeded", "requires_action", "re_1", -500)]
    [InlineData("refund.updated", "failed", "succeeded", "re_1/reversed", 500)] // fails after it succeeded: counted back
    public void The_moment_a_refund_succeeds_counts_it_and_a_failure_after_counts_it_back(string type, string status,
        string? previous, string id, long amount) =>
        Assert.Equal((id, amount), StripeRefunds.Counted(type, "re_1", status, previous, 500));

    [Theory]
    [InlineData("refund.created", "pending", null)]             // not yet
    [InlineData("refund.created", "requires_action", null)]
    [InlineData("refund.updated", "succeeded", null)]           // a later update of a succeeded refund (its reference, metadata)
    [InlineData("refund.updated", "pending", null)]
    [InlineData("refund.updated", "failed", "pending")]         // failed before it ever succeeded: nothing was counted
    [InlineData("refund.updated", "canceled", "requires_action")]
    [InlineData("refund.failed", "failed", null)]               // the same change as its refund.updated, which counts it
    [InlineData("charge.refunded", "succeeded", null)]
    public void Anything_else_counts_nothing(string type, string status, string? previous) =>
        Assert.Null(StripeRefunds.Counted(type, "re_1", status, previous, 500));
}
