namespace Tollgate.Api.Tests.Contract;

/// <summary>
/// A request to the operation <paramref name="OperationId"/> and the status it must get; the answer is then
/// checked against what the document says of that status. <paramref name="Request"/> may first set up what it
/// needs through the world (a fresh key to revoke, an invitation to accept). <paramref name="Headers"/> are
/// headers this answer must carry beyond those the document says are always there (a replay's
/// <c>Idempotent-Replayed</c>, say).
/// </summary>
public sealed record ContractCase(string OperationId, string Name, int Status, Func<ContractWorld, Task<ContractRequest>> Request, string[] Headers)
{
    public override string ToString() => $"{OperationId} ({Name}) -> {Status}";
}
