using System.Globalization;
using System.Text.Json.Nodes;

namespace Tollgate.Api.Infrastructure;

/// <summary>A page of journal records as lists answer them (newest first, by cursor), or the whole range as CSV.</summary>
public sealed record JournalPage(IReadOnlyList<JsonObject> Items, string? NextCursor);

/// <summary>The query and the items of a listing read from the journal (the audit log, the credit ledger).</summary>
public static class JournalPages
{
    public const int MaxLimit = 500;

    /// <summary>
    /// The records a listing's query asks for: <c>from</c>, <c>to</c>, <paramref name="nameField"/> (the record
    /// name), <c>cursor</c>, <c>limit</c>; and whether it asks for CSV (<c>format</c>). Null, with errors, when invalid.
    /// </summary>
    public static (JournalQuery Query, bool Csv)? Read(Inputs inputs, IQueryCollection query, string stream, string? scope, string nameField)
    {
        var from = inputs.Time("from", query["from"]);
        var to = inputs.Time("to", query["to"]);
        var name = inputs.Text(nameField, query[nameField], required: false);
        long? cursor = null;
        if (query["cursor"].ToString() is { Length: > 0 } rawCursor)
        {
            if (long.TryParse(rawCursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0) cursor = parsed;
            else inputs.Fail("cursor", "Cursor is not one this API returned.");
        }
        var limit = 50;
        if (query["limit"].ToString() is { Length: > 0 } rawLimit
            && (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            inputs.Fail("limit", $"Limit must be a whole number from 1 to {MaxLimit}.");
        var format = query["format"].ToString();
        if (format is not ("" or "json" or "csv")) inputs.Fail("format", "Format must be json or csv.");
        if (!inputs.IsValid) return null;
        return (new JournalQuery(stream) { Scope = scope, Name = name, From = from, To = to, Before = cursor, Limit = limit }, format == "csv");
    }

    /// <summary>A page of the records <paramref name="query"/> picks, with the cursor of the next when it is full.</summary>
    public static async Task<JournalPage> PageAsync(IJournalReader journal, JournalQuery query, CancellationToken cancellationToken)
    {
        var records = await journal.ReadAsync(query, cancellationToken);
        var next = records.Count == query.Limit ? records[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null;
        return new JournalPage(records.Select(Item).ToList(), next);
    }

    /// <summary>A record as a list shows it: its payload, with its sequence as <c>id</c>.</summary>
    public static JsonObject Item(StoredJournalRecord record)
    {
        var item = new JsonObject { ["id"] = record.Sequence.ToString(CultureInfo.InvariantCulture) };
        foreach (var (key, value) in JsonNode.Parse(record.Payload)!.AsObject().ToList()) item[key] = value?.DeepClone();
        return item;
    }
}
