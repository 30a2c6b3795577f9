namespace Tollgate.Storage.Tests.Grains;

/// <summary>An enum in stored state: it must be stored by name, so reordering its members keeps old rows' meaning.</summary>
public enum Colour { Red, Green }
