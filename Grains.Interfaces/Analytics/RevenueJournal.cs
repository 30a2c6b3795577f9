using System.Text.Json;

namespace Tollgate.Grains.Analytics;

/// <summary>
/// The journal stream of revenue movements (<see cref="RevenueMovement"/>): each is written, scoped by currency and named by its
/// month, by the write that made it, so the stream holds exactly the movements of committed changes. The month grains sum the
/// same movements as they are delivered; a full recompute reads them back from here.
/// </summary>
public static class RevenueJournal
{
    public const string Stream = "revenue";

    /// <summary>How a movement is written and read.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Payload(RevenueMovement movement) => JsonSerializer.Serialize(movement, Json);

    public static RevenueMovement Read(string payload) =>
        JsonSerializer.Deserialize<RevenueMovement>(payload, Json) ?? throw new JsonException("A revenue record holds no movement.");
}
