using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// The JSON of usage records and day totals, written by every consume and read by the usage
/// reports. Generated at build time: the reflection-based serializer allocated a frame stack for
/// its nested actor on every consume.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UsageRecord))]
[JsonSerializable(typeof(UsageDayRecord))]
public sealed partial class UsageJson : JsonSerializerContext;
