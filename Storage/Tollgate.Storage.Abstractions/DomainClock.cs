namespace Tollgate.Storage;

/// <summary>
/// The clock Tollgate's own rules read (windows, renewals, expiries, tokens), a keyed
/// <see cref="TimeProvider"/> apart from the one Orleans runs on: tests move this one by days
/// without Orleans' membership taking its own silo for dead.
/// </summary>
public static class DomainClock
{
    public const string Key = "tollgate";
}
