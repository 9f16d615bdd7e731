namespace EngineeringFramework.Authz.Testing;

/// <summary>Counts passes and failures, overall and per test, and prints each failure as it happens.</summary>
internal sealed class TestTally(TextWriter output)
{
    private readonly Dictionary<string, TestOutcome> perTest = new(StringComparer.Ordinal);
    private string? current;

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    /// <summary>Passes and failures of each test, by name (as started with <see cref="Begin"/>).</summary>
    public IReadOnlyDictionary<string, TestOutcome> PerTest => perTest;

    /// <summary>Counts what follows under <paramref name="testName"/>.</summary>
    public void Begin(string testName)
    {
        current = testName;
        perTest.TryAdd(testName, new TestOutcome(0, 0));
    }

    public void Pass()
    {
        Passed++;
        Count(passed: true);
    }

    public void Fail(string message)
    {
        Failed++;
        Count(passed: false);
        output.WriteLine("FAIL " + message);
    }

    /// <summary>Prints the summary line and returns the process exit code (0 only when nothing failed).</summary>
    public int Finish()
    {
        output.WriteLine($"{Passed} passed, {Failed} failed");
        return Failed == 0 ? 0 : 1;
    }

    private void Count(bool passed)
    {
        if (current is not null)
        {
            var outcome = perTest[current];
            perTest[current] = passed ? outcome with { Passed = outcome.Passed + 1 } : outcome with { Failed = outcome.Failed + 1 };
        }
    }
}

/// <summary>How many assertions of one test passed and failed.</summary>
public sealed record TestOutcome(int Passed, int Failed);
