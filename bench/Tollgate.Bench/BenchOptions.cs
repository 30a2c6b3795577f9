using System.Globalization;
using System.Text.RegularExpressions;

namespace Tollgate.Bench;

public enum BenchStorage { Sqlite, Postgres }

/// <summary>The command line: how long and how hard to run, and against which storage.</summary>
/// <param name="WarmUp">Consume suite: load before each row's measured peak, so the JIT's tiering has settled (about 20 s).</param>
/// <param name="Rows">Consume suite: run only the rows whose "storage system scenario" this matches.</param>
public sealed record BenchOptions(TimeSpan Duration, int Concurrency, string? PostgresConnectionString, BenchStorage? Only, double? Rate = null,
    TimeSpan? WarmUp = null, Regex? Rows = null)
{
    public const string Usage = """
        usage: Tollgate.Bench consume|credits|usage|analytics
                              [--seconds N] [--warmup N] [--concurrency N] [--postgres "<connection string>"]
                              [--only sqlite|postgres] [--rate N] [--rows REGEX]

          --seconds N       measured time per scenario, after the warm-up (default 5)
          --warmup N        consume and credits suites: seconds of load before each row is measured (default 20:
                            the JIT's tiering takes about that long to settle)
          --concurrency N   callers running at once, each awaiting its call before the next (default 64)
          --postgres CONN   use this PostgreSQL server instead of starting a throwaway durable one;
                            the bench creates and drops one database per scenario on it
          --only STORAGE    run only the sqlite or postgres scenarios
          --rate N          consume suite: measure latency at N requests/s in every row, instead of
                            at half of each row's own peak (to compare two builds at one rate)
          --rows REGEX      consume and credits suites: run only the rows whose "storage system scenario" matches,
                            as "^sqlite orleans" or "refund|cold|wrk"
        """;

    public TimeSpan ConsumeWarmUp => WarmUp ?? TimeSpan.FromSeconds(20);

    public bool Includes(BenchStorage storage) => Only is null || Only == storage;

    /// <summary>Whether the consume suite runs this row.</summary>
    public bool Includes(string storage, string system, string scenario) => Rows is null || Rows.IsMatch($"{storage} {system} {scenario}");

    /// <exception cref="ArgumentException">The arguments are not valid; the message says why.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions(TimeSpan.FromSeconds(5), 64, null, null);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--concurrency" => options with { Concurrency = (int)Positive(name, Value(), integer: true) },
                "--postgres" => options with { PostgresConnectionString = Value() },
                "--only" => options with { Only = ParseStorage(Value()) },
                "--rate" => options with { Rate = Positive(name, Value()) },
                "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(NonNegative(name, Value())) },
                "--rows" => options with { Rows = Pattern(name, Value()) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        return options;
    }

    private static double Positive(string name, string text, bool integer = false) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && value > 0 && (!integer || value == Math.Floor(value) && value <= int.MaxValue)
            ? value
            : throw new ArgumentException($"{name} must be a positive {(integer ? "integer" : "number")}, not '{text}'.");

    private static double NonNegative(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{name} must be a number of seconds, 0 or more, not '{text}'.");

    private static Regex Pattern(string name, string text)
    {
        try { return new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant); }
        catch (ArgumentException exception) { throw new ArgumentException($"{name} is not a regular expression: {exception.Message}"); }
    }

    private static BenchStorage ParseStorage(string text) => text.ToLowerInvariant() switch
    {
        "sqlite" => BenchStorage.Sqlite,
        "postgres" or "postgresql" => BenchStorage.Postgres,
        _ => throw new ArgumentException($"--only must be sqlite or postgres, not '{text}'."),
    };
}
