using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Grains.Quotas;

/// <summary>The JSON of a keyed consume's stored answer, generated at build time like <see cref="UsageJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(KeyedConsume))]
public sealed partial class QuotaJson : JsonSerializerContext;
