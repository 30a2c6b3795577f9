namespace Tollgate.Api.Tests.Contract;

/// <summary>
/// The OpenAPI document against the server it describes: every operation is called with the requests of
/// <see cref="ContractCases"/> (and, where it applies, without credentials, with a body that is not JSON, with
/// broken JSON and with one over 1 MB), and every answer must be one the document lists for that operation, with the headers
/// it says are there and a body valid against its schema; the headers and query a case sends must be declared
/// too. A route added without cases fails here.
/// </summary>
public sealed class ContractTests(ContractWorld world) : IClassFixture<ContractWorld>
{
    [Fact]
    public void Every_operation_of_the_document_has_cases_that_succeed_and_are_refused()
    {
        var missing = new List<string>();
        foreach (var operation in world.Contract.Operations.Values)
        {
            var cases = ContractCases.All.Where(c => c.OperationId == operation.Id).ToList();
            if (!cases.Any(c => c.Status is >= 200 and < 300)) missing.Add($"{operation.Id}: no case that succeeds");
            if (operation.Statuses.Any(status => status.StartsWith('4')) && !cases.Any(c => c.Status is >= 400 and < 500))
                missing.Add($"{operation.Id}: no case that is refused");
        }
        missing.AddRange(ContractCases.All.Select(c => c.OperationId).Distinct()
            .Where(id => !world.Contract.Operations.ContainsKey(id)).Select(id => $"{id}: a case for an operation the document does not have"));
        Assert.True(missing.Count == 0, "Add cases to ContractCases:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task Every_answer_is_one_the_document_describes()
    {
        var failures = new List<string>();
        foreach (var contractCase in ContractCases.All.Concat(GeneratedCases()))
        {
            if (!world.Contract.Operations.TryGetValue(contractCase.OperationId, out var operation)) continue; // the other test names it
            var request = await contractCase.Request(world);
            using var message = request.ToMessage(operation);
            using var response = await world.Api.CreateClient().SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var problems = new List<string>();
            if ((int)response.StatusCode != contractCase.Status)
                problems.Add($"expected {contractCase.Status}, got {(int)response.StatusCode}: {Shorten(body)}");
            problems.AddRange(contractCase.Headers.Where(name => !OpenApiContract.Has(response, name)).Select(name => $"lacks {name}"));
            problems.AddRange(OpenApiContract.CheckRequest(operation, request));
            problems.AddRange(world.Contract.Check(operation, response, body));
            failures.AddRange(problems.Select(problem => $"{contractCase}: {problem}"));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// For every operation: no credentials (when it needs some), and its first succeeding request with the
    /// body sent as plain text, as broken JSON and over 1 MB (when it takes JSON).
    /// </summary>
    private IEnumerable<ContractCase> GeneratedCases()
    {
        foreach (var operation in world.Contract.Operations.Values)
        {
            var valid = ContractCases.All.FirstOrDefault(c => c.OperationId == operation.Id && c.Status is >= 200 and < 300);
            if (valid is null) continue;
            if (operation.Secured)
                yield return new(operation.Id, "no credentials", 401,
                    async w => await valid.Request(w) with { AccessToken = null, ApiKey = null }, ["WWW-Authenticate"]);
            if (operation.TakesJson)
            {
                yield return new(operation.Id, "a body that is not JSON", 415, async w => (await valid.Request(w)).Raw("hello", "text/plain"), []);
                yield return new(operation.Id, "broken JSON", 400, async w => (await valid.Request(w)).Raw("{\"a\":", "application/json"), []);
                yield return new(operation.Id, "a body over 1 MB", 413,
                    async w => (await valid.Request(w)).Raw($"\"{new string('a', 1024 * 1024)}\"", "application/json"), []);
            }
        }
    }

    private static string Shorten(string body) => body.Length <= 400 ? body : body[..400] + "...";
}
