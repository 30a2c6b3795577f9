namespace Tollgate.Grains.Identity;

/// <summary>
/// A kept secret: <see cref="Protected"/> is encrypted by the front end (ASP.NET Core Data Protection)
/// before it reaches the grain; <see cref="Legacy"/> is one stored raw by an earlier version, until it is protected.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.StoredSecret")]
public sealed record StoredSecret(string? Protected, byte[]? Legacy);
