using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Dsl;

/// <summary>The outcome of parsing DSL: the model when there were no syntax errors, and every error found.</summary>
public sealed record DslParseResult(AuthorizationModel? Model, IReadOnlyList<ModelError> Errors, DslSourceMap SourceMap)
{
    public bool Succeeded => Model is not null && Errors.Count == 0;
}
