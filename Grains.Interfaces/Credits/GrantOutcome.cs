namespace Tollgate.Grains.Credits;

public enum GrantOutcome
{
    Granted,
    /// <summary>The key was used before with a different grant: nothing changed.</summary>
    KeyReused,
    /// <summary>A negative adjustment larger than what is available: nothing changed.</summary>
    ExceedsBalance,
    /// <summary>The balance would pass the largest number it can hold: nothing changed.</summary>
    Overflow,
}
