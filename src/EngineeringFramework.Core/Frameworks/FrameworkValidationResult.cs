namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Either a <see cref="FrameworkDefinition"/> (no errors) or the full list of errors (no definition):
/// nothing may be applied from a framework that still has an error.
/// </summary>
internal sealed class FrameworkValidationResult
{
    private FrameworkValidationResult(FrameworkDefinition? definition, IReadOnlyList<FrameworkError> errors)
    {
        Definition = definition;
        Errors = errors;
    }

    public FrameworkDefinition? Definition { get; }

    public IReadOnlyList<FrameworkError> Errors { get; }

    public bool IsValid => Definition is not null;

    public static FrameworkValidationResult Success(FrameworkDefinition definition) => new(definition, []);

    public static FrameworkValidationResult Failure(IReadOnlyList<FrameworkError> errors)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("A failed validation needs at least one error.", nameof(errors));
        }

        return new(null, errors);
    }
}
