using System.Globalization;

namespace Tollgate.Bench;

public enum BenchStorage { Sqlite, Postgres }

/// <summary>The command line: how long and how hard to run, and against which storage.</summary>
public sealed record BenchOptions(TimeSpan Duration, int Concurrency, string? PostgresConnectionString, BenchStorage? Only, double? Rate = null)
{
    /// <summary>Long enough to activate every grain, load its state and JIT the hot path before measuring.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public const string Usage = """
        usage: Tollgate.Bench consume|usage [--seconds N] [--concurrency N] [--postgres "<connection string>"] [--only sqlite|postgres] [--rate N]

          --seconds N       measured time per scenario, after a 1 s warm-up (default 5)
          --concurrency N   callers running at once, each awaiting its call before the next (default 64)
          --postgres CONN   use this PostgreSQL server instead of starting a throwaway durable one;
                            the bench creates and drops one database per scenario on it
          --only STORAGE    run only the sqlite or postgres scenarios
          --rate N          consume suite: measure latency at N requests/s in every row, instead of
                            at half of each row's own peak (to compare two builds at one rate)
        """;

    public bool Includes(BenchStorage storage) => Only is null || Only == storage;

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

    private static BenchStorage ParseStorage(string text) => text.ToLowerInvariant() switch
    {
        "sqlite" => BenchStorage.Sqlite,
        "postgres" or "postgresql" => BenchStorage.Postgres,
        _ => throw new ArgumentException($"--only must be sqlite or postgres, not '{text}'."),
    };
}
