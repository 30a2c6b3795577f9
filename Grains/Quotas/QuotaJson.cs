using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// The JSON of the usage record, written by every consume and read by the usage reports, of a
/// counter's day totals, and of a keyed consume's stored answer. Generated at build time: the reflection-based serializer
/// allocated a frame stack for its nested actor on every consume.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UsageRecord))]
[JsonSerializable(typeof(KeyedConsume))]
[JsonSerializable(typeof(UsageDayRecord))]
public sealed partial class QuotaJson : JsonSerializerContext;
