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

    /// <summary>
    /// A CSV download, one row a record. The file is built in memory up to <see cref="BufferBytes"/>
    /// before anything is sent, so a read that fails answers a problem, not a 200 with part of a file;
    /// such a file goes out with its Content-Length. A larger one is then streamed, and a failure past
    /// that point breaks the connection (no final chunk), so no client can take the part for the whole.
    /// </summary>
    public static CsvResult Csv(Func<CancellationToken, IAsyncEnumerable<StoredJournalRecord>> records, string fileName, string[] columns,
        Func<StoredJournalRecord, IEnumerable<string?>> row) => new CsvResult(records, fileName, columns, row);

    public const int BufferBytes = 8 * 1024 * 1024;

    public sealed class CsvResult(Func<CancellationToken, IAsyncEnumerable<StoredJournalRecord>> records, string fileName, string[] columns,
        Func<StoredJournalRecord, IEnumerable<string?>> row) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var buffer = new MemoryStream();
            var writer = Writer(buffer);
            var streaming = false;
            await writer.WriteLineAsync(string.Join(',', columns));
            try
            {
                await foreach (var record in records(http.RequestAborted))
                {
                    await writer.WriteLineAsync(string.Join(',', row(record).Select(Cell)));
                    if (streaming || buffer.Length < BufferBytes) continue;
                    await writer.FlushAsync();
                    await SendAsync(http, buffer, length: null);
                    writer = Writer(http.Response.Body);
                    streaming = true;
                }
                await writer.FlushAsync();
            }
            catch when (streaming)
            {
                http.Abort();
                throw;
            }
            if (!streaming) await SendAsync(http, buffer, buffer.Length);
        }

        private async Task SendAsync(HttpContext http, MemoryStream buffer, long? length)
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            http.Response.ContentLength = length;
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
        }

        private static StreamWriter Writer(Stream stream) => new(stream, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
    }

    /// <summary>A CSV cell: quoted, with text a spreadsheet would run as a formula defused.</summary>
    public static string Cell(string? value)
    {
        if (value is null) return "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
