using Microsoft.OpenApi;

namespace Tollgate.Api.OpenApi;

/// <summary>
/// What an endpoint declares about its answers beyond its success body, for the OpenAPI document:
/// the problems it answers with their codes, the headers it reads and writes, the query it takes and
/// a CSV form of its answer. The errors every endpoint shares are added by <see cref="ErrorResponses"/>.
/// </summary>
public static class OperationContract
{
    /// <summary>Endpoint metadata: the endpoint answers <paramref name="Status"/> with a problem, described with its codes.</summary>
    public sealed record Problem(int Status, string Description, string Schema = ProblemSchemas.Problem);

    /// <summary>Endpoint metadata: the answer with <paramref name="Status"/> carries <paramref name="Header"/>.</summary>
    public sealed record ResponseHeader(int Status, ContractHeader Header, bool Required);

    /// <summary>Endpoint metadata: the endpoint reads <paramref name="Header"/> from the request.</summary>
    public sealed record RequestHeader(ContractHeader Header);

    /// <summary>Endpoint metadata: the endpoint reads a query parameter it parses itself.</summary>
    public sealed record Query(string Name, string Description, JsonSchemaType Type, string? Format = null);

    /// <summary>Endpoint metadata: <c>format=csv</c> makes the 200 answer <c>text/csv</c>.</summary>
    public sealed record Csv;

    public static TBuilder AnswersProblem<TBuilder>(this TBuilder builder, int status, string description, string schema = ProblemSchemas.Problem)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new Problem(status, description, schema));

    /// <summary>The answers with <paramref name="statuses"/> carry <paramref name="header"/> (always, when <paramref name="required"/>).</summary>
    public static TBuilder AnswersHeader<TBuilder>(this TBuilder builder, ContractHeader header, bool required, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. statuses.Select(status => new ResponseHeader(status, header, required))]);

    /// <summary>
    /// Takes an <c>Idempotency-Key</c>: a retry with the same key and request replays the first answer (marked
    /// <c>Idempotent-Replayed</c> on <paramref name="replayedOn"/>); the same key with another request is refused with 422.
    /// </summary>
    public static TBuilder TakesIdempotencyKey<TBuilder>(this TBuilder builder, params int[] replayedOn)
        where TBuilder : IEndpointConventionBuilder => builder
        .WithMetadata(new RequestHeader(ContractHeaders.IdempotencyKey))
        .AnswersHeader(ContractHeaders.IdempotentReplayed, required: false, replayedOn)
        .AnswersProblem(StatusCodes.Status422UnprocessableEntity,
            "The Idempotency-Key was used with a different request in the last 24 hours (`idempotency_key_reused`).");

    /// <summary>The quota headers of an answer about a quota; X-Quota-Reset only when the quota has a window.</summary>
    public static TBuilder AnswersQuotaHeaders<TBuilder>(this TBuilder builder, bool required, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder => builder
        .AnswersHeader(ContractHeaders.QuotaLimit, required, statuses)
        .AnswersHeader(ContractHeaders.QuotaRemaining, required, statuses)
        .AnswersHeader(ContractHeaders.QuotaReset, required: false, statuses);

    /// <summary>The endpoint calls the payment provider, whose refusal is a 502 and whose absence or outage is a 503.</summary>
    public static TBuilder CallsPaymentProvider<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder => builder
        .AnswersProblem(StatusCodes.Status502BadGateway,
            "The payment provider refused the request (`payment_provider_error`, with the provider's `providerCode` and `providerParam`).")
        .AnswersProblem(StatusCodes.Status503ServiceUnavailable,
            "Payments are not configured (`payments_not_configured`), the payment provider is unavailable (`payment_provider_unavailable`) "
            + "or a silo is (`unavailable`); try again after `Retry-After` seconds.");

    public static TBuilder TakesQuery<TBuilder>(this TBuilder builder, string name, string description, JsonSchemaType type = JsonSchemaType.String,
        string? format = null) where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new Query(name, description, type, format));

    public static TBuilder ProducesCsv<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Csv());
}
