namespace EngineeringFramework.Authz.Model;

/// <summary>One problem found in a model; <see cref="Line"/> is 1-based and known when the model came from DSL.</summary>
public sealed record ModelError(int? Line, string Message)
{
    public override string ToString() => Line is { } line ? $"line {line}: {Message}" : Message;
}
