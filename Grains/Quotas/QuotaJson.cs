using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Quotas;

/// <summary>
/// The usage record's JSON, written by every consume and read by the usage reports. Generated at
/// build time: the reflection-based serializer allocated a frame stack for its nested actor on
/// every consume.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UsageRecord))]
public sealed partial class QuotaJson : JsonSerializerContext;
