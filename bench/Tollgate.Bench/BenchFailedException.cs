namespace Tollgate.Bench;

/// <summary>A measurement that cannot be trusted (failed calls, a count storage does not hold): the bench says why and exits 1.</summary>
public sealed class BenchFailedException(string message, Exception? innerException = null) : Exception(message, innerException);
