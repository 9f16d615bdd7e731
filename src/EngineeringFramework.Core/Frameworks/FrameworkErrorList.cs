namespace EngineeringFramework.Core.Frameworks;

/// <summary>Collects errors up to <see cref="FrameworkLimits.MaxErrors"/> so a hostile file cannot produce an unbounded report.</summary>
internal sealed class FrameworkErrorList(int maxErrors)
{
    private readonly List<FrameworkError> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<FrameworkError> Items => _errors;

    public void Add(string location, string message)
    {
        if (_errors.Count < maxErrors)
        {
            _errors.Add(new FrameworkError(location, message));
        }
        else if (_errors.Count == maxErrors)
        {
            _errors.Add(new FrameworkError(FrameworkPaths.SourceLocation, $"more than {maxErrors} errors; the rest are not reported"));
        }
    }

    public void AddRange(IEnumerable<FrameworkError> errors)
    {
        foreach (var error in errors)
        {
            Add(error.Location, error.Message);
        }
    }
}
