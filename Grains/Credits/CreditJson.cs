using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Credits;

/// <summary>The JSON of a wallet's entries and ledger records, generated at build time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WalletEntry))]
[JsonSerializable(typeof(CreditLedgerEntry))]
public sealed partial class CreditJson : JsonSerializerContext;
