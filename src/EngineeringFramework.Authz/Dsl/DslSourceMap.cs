namespace EngineeringFramework.Authz.Dsl;

/// <summary>Where each type and relation was defined in the DSL, so validation errors can name a line.</summary>
public sealed class DslSourceMap
{
    private readonly Dictionary<string, int> _typeLines = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Relation), int> _relationLines = [];

    internal void AddType(string type, int line) => _typeLines.TryAdd(type, line);

    internal void AddRelation(string type, string relation, int line) => _relationLines.TryAdd((type, relation), line);

    public int? LineOfType(string type) => _typeLines.TryGetValue(type, out var line) ? line : null;

    public int? LineOfRelation(string type, string relation) =>
        _relationLines.TryGetValue((type, relation), out var line) ? line : LineOfType(type);
}
