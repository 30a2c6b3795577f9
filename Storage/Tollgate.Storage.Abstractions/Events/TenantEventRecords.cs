namespace Tollgate.Storage.Events;

/// <summary>
/// Journal records that are events for a tenant's webhook endpoints: a grain writes one with the change
/// it describes (so an event exists if and only if its change was committed), scoped to the tenant and
/// named by its type; the payload is the event as delivered.
/// </summary>
public static class TenantEventRecords
{
    public const string Stream = "events";
}
