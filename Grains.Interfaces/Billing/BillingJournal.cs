using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Billing;

/// <summary>Journal streams of billing records, scoped by tenant.</summary>
public static class BillingJournal
{
    public const string Invoices = "invoices";
    public const string Payments = "payments";

    /// <summary>How their payloads are written and read.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
