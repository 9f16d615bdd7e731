using EngineeringFramework.Authz.Model;

namespace EngineeringFramework.Authz.Dsl;

/// <summary>
/// Parses the right-hand side of <c>define name: ...</c> following the grammar of OpenFGA's DSL:
/// a first operand (a direct assignment <c>[...]</c>, a reference, <c>x from y</c> or a parenthesised group)
/// followed by one chain of a single operator: <c>or ...</c>, <c>and ...</c> or one <c>but not ...</c>.
/// Operators are never mixed without parentheses, and a direct assignment may only come first.
/// </summary>
internal sealed class RelationExpressionParser
{
    private readonly List<string> _tokens;
    private readonly List<RelationReference> _directTypes = [];
    private int _position;
    private bool _sawDirect;

    private RelationExpressionParser(List<string> tokens)
    {
        _tokens = tokens;
    }

    /// <summary>Parses an expression; throws <see cref="FormatException"/> with a message on a syntax error.</summary>
    public static (Userset Rewrite, IReadOnlyList<RelationReference> DirectTypes) Parse(string expression)
    {
        var parser = new RelationExpressionParser(Tokenize(expression));
        var rewrite = parser.ParseExpression(allowDirect: true);
        if (parser._position < parser._tokens.Count)
        {
            throw new FormatException($"unexpected '{parser._tokens[parser._position]}' (operators cannot be mixed without parentheses)");
        }

        return (rewrite, parser._directTypes);
    }

    private Userset ParseExpression(bool allowDirect)
    {
        var first = ParseOperand(allowDirect);
        var op = Peek();
        if (op is null or ")")
        {
            return first;
        }

        if (op == "but")
        {
            Next();
            Expect("not");
            var subtract = ParseOperand(allowDirect: false);
            return Userset.Except(first, subtract);
        }

        if (op is not ("or" or "and"))
        {
            throw new FormatException($"expected 'or', 'and' or 'but not' but found '{op}'");
        }

        var children = new List<Userset> { first };
        while (Peek() == op)
        {
            Next();
            children.Add(ParseOperand(allowDirect: false));
        }

        return op == "or" ? Userset.AnyOf(children) : Userset.AllOf(children);
    }

    private Userset ParseOperand(bool allowDirect)
    {
        var token = Next() ?? throw new FormatException("missing relation definition");
        if (token == "[")
        {
            if (!allowDirect || _sawDirect)
            {
                throw new FormatException("a direct assignment [...] may only be the first operand");
            }

            _sawDirect = true;
            ParseDirectTypes();
            return Userset.Direct();
        }

        if (token == "(")
        {
            var inner = ParseExpression(allowDirect);
            Expect(")");
            return inner;
        }

        if (!DslNames.IsIdentifier(token) || token is "or" or "and" or "but" or "from")
        {
            throw new FormatException($"unexpected '{token}'");
        }

        if (Peek() == "from")
        {
            Next();
            var tupleset = Next();
            if (tupleset is null || !DslNames.IsIdentifier(tupleset))
            {
                throw new FormatException($"expected a relation name after 'from' in '{token} from ...'");
            }

            return Userset.FromTupleset(tupleset, token);
        }

        return Userset.Computed(token);
    }

    private void ParseDirectTypes()
    {
        while (true)
        {
            var restriction = Next() ?? throw new FormatException("unterminated direct assignment: missing ']'");
            if (restriction == "]" && _directTypes.Count == 0)
            {
                throw new FormatException("a direct assignment needs at least one type");
            }

            if (Peek() == "with")
            {
                throw new FormatException("conditions ('with') are not supported");
            }

            _directTypes.Add(ParseRestriction(restriction));
            var separator = Next();
            if (separator == "]")
            {
                return;
            }

            if (separator != ",")
            {
                throw new FormatException($"expected ',' or ']' in direct assignment but found '{separator ?? "end of line"}'");
            }
        }
    }

    private static RelationReference ParseRestriction(string text)
    {
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            var (type, relation) = (text[..hash], text[(hash + 1)..]);
            Require(DslNames.IsIdentifier(type) && DslNames.IsIdentifier(relation), text);
            return new RelationReference { Type = type, Relation = relation };
        }

        if (text.EndsWith(":*", StringComparison.Ordinal))
        {
            var type = text[..^2];
            Require(DslNames.IsIdentifier(type), text);
            return new RelationReference { Type = type, Wildcard = new WildcardMarker() };
        }

        Require(DslNames.IsIdentifier(text), text);
        return new RelationReference { Type = text };
    }

    private static void Require(bool condition, string text)
    {
        if (!condition)
        {
            throw new FormatException($"invalid type restriction '{text}'");
        }
    }

    private string? Peek() => _position < _tokens.Count ? _tokens[_position] : null;

    private string? Next() => _position < _tokens.Count ? _tokens[_position++] : null;

    private void Expect(string expected)
    {
        var token = Next();
        if (token != expected)
        {
            throw new FormatException($"expected '{expected}' but found '{token ?? "end of line"}'");
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '[' or ']' or '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('[' or ']' or '(' or ')' or ','))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }
}
