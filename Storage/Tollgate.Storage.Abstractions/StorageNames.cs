namespace Tollgate.Storage;

/// <summary>The names grains give their persistent states' storage.</summary>
public static class StorageNames
{
    public const string Default = "tollgate";

    /// <summary>
    /// The state of every grain whose changes carry journal records, in Tollgate's own group-commit storage:
    /// each write commits with its records in a transaction shared with other grains' writes.
    /// </summary>
    public const string GroupCommit = "group-commit";
}
