namespace Tollgate.Bench;

/// <summary>Progress lines go to stderr, so stdout holds only the results.</summary>
public static class Progress
{
    public static void Report(string line) => Console.Error.WriteLine(line);
}
