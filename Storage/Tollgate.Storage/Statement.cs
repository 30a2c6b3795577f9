namespace Tollgate.Storage;

/// <summary>A statement with its positional arguments (bound as @p1, @p2, ...), to run among others in one transaction.</summary>
internal sealed record Statement(string Sql, object?[] Arguments);
