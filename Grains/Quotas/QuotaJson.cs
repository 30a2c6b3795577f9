using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Quotas;

/// <summary>The JSON of a kept answers and consumes (KeyedConsume), generated at build time like <see cref="UsageJson"/>.</summary>
// Defaults are left out: a consume's entry is written on every allowed consume.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(KeyedConsume))]
public sealed partial class QuotaJson : JsonSerializerContext;
