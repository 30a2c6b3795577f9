using Tollgate.Grains.Identity;

namespace Tollgate.Grains.Orders;

/// <summary>
/// The audit of a provider's notifications refused before any order could be named or found (key: the provider): a bad
/// signature, a stale timestamp, another merchant's, an unknown order. Written to the platform's audit log.
/// </summary>
[Alias("tollgate.INotificationRefusalsGrain")]
public interface INotificationRefusalsGrain : IGrainWithStringKey
{
    Task Refuse(string? orderId, string reason, string? detail, AuditActor actor);
}
