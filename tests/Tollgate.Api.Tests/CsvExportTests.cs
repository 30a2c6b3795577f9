using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Storage;

namespace Tollgate.Api.Tests;

/// <summary>A CSV export never answers 200 with a file cut short.</summary>
public sealed class CsvExportTests : ApiTestBase
{
    [Fact]
    public async Task A_journal_failure_part_way_through_an_export_answers_a_problem_not_part_of_a_file()
    {
        var owner = await Api.RegisterAsync("csv-fails@example.com");
        await Api.DisposeAsync();
        var api = await StartAsync(services: BreakingJournal.Replace);

        var response = await api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/audit-log?format=csv");

        await AssertProblem(response, HttpStatusCode.InternalServerError, "internal_error");
        var json = await api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/audit-log");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode); // only the export's second page fails
    }

    [Fact]
    public async Task A_complete_export_carries_its_length()
    {
        var owner = await Api.RegisterAsync("csv-length@example.com");

        var response = await Api.As(owner.AccessToken).GetAsync($"/v1/tenants/{owner.TenantId}/audit-log?format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((await response.Content.ReadAsByteArrayAsync()).Length, response.Content.Headers.ContentLength);
    }

    /// <summary>
    /// The silo's journal, except that an export's reads (full pages of 500) get a full first page
    /// (the tenant's first record over and over) and then fail, as a database that goes away mid-export would.
    /// </summary>
    private sealed class BreakingJournal(IJournalReader inner) : IJournalReader
    {
        private const int ExportPage = 500;

        public static void Replace(IServiceCollection services) =>
            services.AddSingleton<IJournalReader>(provider => new BreakingJournal(provider.GetRequiredService<SqlJournal>()));

        public async Task<IReadOnlyList<StoredJournalRecord>> ReadAsync(JournalQuery query, CancellationToken cancellationToken = default)
        {
            if (query.Stream != "audit" || query.Limit != ExportPage) return await inner.ReadAsync(query, cancellationToken);
            if (query.Before is not null) throw new IOException("The database went away.");
            var first = (await inner.ReadAsync(query, cancellationToken))[0];
            return Enumerable.Range(0, ExportPage).Select(i => first with { Sequence = first.Sequence + ExportPage - i }).ToList();
        }
    }
}
