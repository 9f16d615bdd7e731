using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Dsl;

/// <summary>
/// Parses OpenFGA's DSL (schema 1.1) into the JSON-shaped <see cref="AuthorizationModel"/> the official
/// transformer <c>@openfga/syntax-transformer</c> produces. Modules and conditions are rejected as not supported.
/// Every syntax error is collected with its line; parsing goes on after an error.
/// </summary>
public static class DslParser
{
    /// <summary>Parses and validates; throws <see cref="InvalidModelException"/> listing every problem.</summary>
    public static AuthorizationModel ParseAndValidate(string dsl)
    {
        var result = Parse(dsl);
        if (!result.Succeeded)
        {
            throw new InvalidModelException(result.Errors);
        }

        var errors = ModelValidator.Validate(result.Model!, result.SourceMap);
        return errors.Count == 0 ? result.Model! : throw new InvalidModelException(errors);
    }

    /// <summary>Parses syntax only (no semantic validation), like the official transformer.</summary>
    public static DslParseResult Parse(string dsl)
    {
        ArgumentNullException.ThrowIfNull(dsl);
        return new DocumentParser(DslLine.Split(dsl)).Run();
    }

    private sealed class DocumentParser(List<DslLine> lines)
    {
        private readonly List<ModelError> _errors = [];
        private readonly List<TypeBuilder> _types = [];
        private readonly DslSourceMap _map = new();
        private TypeBuilder? _current;
        private bool _inRelations;

        public DslParseResult Run()
        {
            var index = ParseHeader(out var schema);
            for (; index < lines.Count; index++)
            {
                ParseLine(lines[index]);
            }

            if (_errors.Count > 0)
            {
                return new DslParseResult(null, _errors, _map);
            }

            var model = new AuthorizationModel { SchemaVersion = schema, TypeDefinitions = _types.ConvertAll(t => t.Build()) };
            return new DslParseResult(model, _errors, _map);
        }

        private int ParseHeader(out string schema)
        {
            schema = "1.1";
            if (lines.Count == 0)
            {
                _errors.Add(new ModelError(1, "the model is empty: expected 'model' followed by 'schema 1.1'"));
                return 0;
            }

            var first = lines[0];
            if (first.Text.StartsWith("module ", StringComparison.Ordinal))
            {
                _errors.Add(new ModelError(first.Number, "modules ('module') are not supported"));
                return lines.Count;
            }

            if (first.Text != "model")
            {
                _errors.Add(new ModelError(first.Number, $"expected 'model' but found '{first.Text}'"));
                return 1;
            }

            if (lines.Count < 2 || !lines[1].Text.StartsWith("schema", StringComparison.Ordinal))
            {
                _errors.Add(new ModelError(first.Number, "expected 'schema 1.1' after 'model'"));
                return 1;
            }

            var parts = lines[1].Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || parts[1] != "1.1")
            {
                _errors.Add(new ModelError(lines[1].Number, $"unsupported schema version '{string.Join(' ', parts.Skip(1))}': only 1.1 is supported"));
            }
            else
            {
                schema = parts[1];
            }

            return 2;
        }

        private void ParseLine(DslLine line)
        {
            var words = line.Text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "type" when line.Indent == 0:
                    StartType(line, words.Length > 1 ? words[1].Trim() : "");
                    break;
                case "condition":
                    Error(line, "conditions ('condition') are not supported");
                    _current = null;
                    break;
                case "extend":
                case "module":
                    Error(line, $"modules ('{words[0]}') are not supported");
                    _current = null;
                    break;
                case "relations" when words.Length == 1 && _current is not null && line.Indent > 0:
                    _inRelations = true;
                    break;
                case "define" when _current is not null && _inRelations:
                    Define(line, words.Length > 1 ? words[1] : "");
                    break;
                default:
                    Error(line, $"unexpected '{line.Text}'");
                    break;
            }
        }

        private void StartType(DslLine line, string name)
        {
            _inRelations = false;
            if (!DslNames.IsIdentifier(name))
            {
                Error(line, $"invalid type name '{name}'");
                _current = null;
                return;
            }

            if (_types.Exists(t => t.Name == name))
            {
                Error(line, $"the type '{name}' is already defined");
            }

            _current = new TypeBuilder(name);
            _types.Add(_current);
            _map.AddType(name, line.Number);
        }

        private void Define(DslLine line, string rest)
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                Error(line, "expected ':' after the relation name");
                return;
            }

            var name = rest[..colon].Trim();
            if (!DslNames.IsIdentifier(name))
            {
                Error(line, $"invalid relation name '{name}'");
                return;
            }

            if (_current!.Relations.ContainsKey(name))
            {
                Error(line, $"'{name}' is already defined in '{_current.Name}'");
                return;
            }

            try
            {
                var (rewrite, directTypes) = RelationExpressionParser.Parse(rest[(colon + 1)..]);
                _current.Relations.Add(name, rewrite);
                _current.DirectTypes.Add(name, directTypes);
                _map.AddRelation(_current.Name, name, line.Number);
            }
            catch (FormatException ex)
            {
                Error(line, $"syntax error in relation '{name}': {ex.Message}");
            }
        }

        private void Error(DslLine line, string message) => _errors.Add(new ModelError(line.Number, message));
    }

    private sealed class TypeBuilder(string name)
    {
        public string Name { get; } = name;

        // Insertion order is kept: the official transformer emits relations in definition order.
        public Dictionary<string, Userset> Relations { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, IReadOnlyList<RelationReference>> DirectTypes { get; } = new(StringComparer.Ordinal);

        public TypeDefinition Build()
        {
            if (Relations.Count == 0)
            {
                return new TypeDefinition { Type = Name, Relations = Relations, Metadata = null };
            }

            var metadata = new Dictionary<string, RelationMetadata>(StringComparer.Ordinal);
            foreach (var (relation, types) in DirectTypes)
            {
                metadata[relation] = new RelationMetadata { DirectlyRelatedUserTypes = types };
            }

            return new TypeDefinition { Type = Name, Relations = Relations, Metadata = new TypeMetadata { Relations = metadata } };
        }
    }
}
