using System.Runtime.CompilerServices;
using System.Text;

namespace Tollgate.Api.Infrastructure;

/// <summary>Reads every journal record a query matches, page by page, and streams them as CSV.</summary>
public static class JournalExport
{
    private const int PageSize = 500;

    public static async IAsyncEnumerable<StoredJournalRecord> ReadAllAsync(
        this IJournalReader journal, JournalQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = query with { Limit = PageSize };
        while (true)
        {
            var records = await journal.ReadAsync(page, cancellationToken);
            foreach (var record in records) yield return record;
            if (records.Count < page.Limit) yield break;
            page = page.OldestFirst ? page with { After = records[^1].Sequence } : page with { Before = records[^1].Sequence };
        }
    }

    /// <summary>A CSV download of the records read as the response is written, one row each.</summary>
    public static IResult Csv(Func<CancellationToken, IAsyncEnumerable<StoredJournalRecord>> records, string fileName, string[] columns,
        Func<StoredJournalRecord, IEnumerable<string?>> row) => new CsvResult(records, fileName, columns, row);

    private sealed class CsvResult(Func<CancellationToken, IAsyncEnumerable<StoredJournalRecord>> records, string fileName, string[] columns,
        Func<StoredJournalRecord, IEnumerable<string?>> row) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false));
            await writer.WriteLineAsync(string.Join(',', columns));
            await foreach (var record in records(http.RequestAborted))
                await writer.WriteLineAsync(string.Join(',', row(record).Select(Cell)));
        }

        // Quotes every cell, and defuses text a spreadsheet would run as a formula.
        private static string Cell(string? value)
        {
            if (value is null) return "";
            if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
            return "\"" + value.Replace("\"", "\"\"") + "\"";
        }
    }
}
