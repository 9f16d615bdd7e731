namespace EngineeringFramework.Authz.Testing;

/// <summary>Counts passes and failures and prints each failure as it happens.</summary>
internal sealed class TestTally(TextWriter output)
{
    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public void Pass() => Passed++;

    public void Fail(string message)
    {
        Failed++;
        output.WriteLine("FAIL " + message);
    }

    /// <summary>Prints the summary line and returns the process exit code (0 only when nothing failed).</summary>
    public int Finish()
    {
        output.WriteLine($"{Passed} passed, {Failed} failed");
        return Failed == 0 ? 0 : 1;
    }
}
