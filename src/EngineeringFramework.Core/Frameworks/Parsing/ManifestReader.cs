using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Turns framework.yml text into a <see cref="ManifestNode"/> tree using YamlDotNet's event parser.
/// Anchors, aliases and tags are refused outright: the format needs none of them, and refusing aliases
/// (instead of bounding their expansion) makes alias bombs impossible by construction.
/// </summary>
internal static partial class ManifestReader
{
    /// <returns>The root node, or null after adding an error located at <c>framework.yml:line:column</c>.</returns>
    public static ManifestNode? Read(string yaml, FrameworkLimits limits, FrameworkErrorList errors)
    {
        try
        {
            var parser = new Parser(new StringReader(yaml));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                errors.Add(FrameworkPaths.Manifest, "file is empty");
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, limits, errors);
            if (root is null)
            {
                return null;
            }

            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                Fail(errors, parser.Current!.Start, "only one YAML document is allowed");
                return null;
            }

            return root;
        }
        catch (YamlException ex)
        {
            Fail(errors, ex.Start, MarkPrefix().Replace(ex.Message, string.Empty));
            return null;
        }
    }

    private static ManifestNode? ReadNode(Parser parser, FrameworkLimits limits, FrameworkErrorList errors)
    {
        // Iterative, with our own stack: a deeply nested document can neither overflow the call stack nor
        // get past the depth check.
        var open = new Stack<Container>();
        while (true)
        {
            var current = parser.Consume<ParsingEvent>();
            if (current is AnchorAlias)
            {
                Fail(errors, current.Start, "YAML aliases (*name) are not allowed");
                return null;
            }

            if (current is NodeEvent node && !node.Anchor.IsEmpty)
            {
                Fail(errors, current.Start, "YAML anchors (&name) are not allowed");
                return null;
            }

            if (current is NodeEvent tagged && !tagged.Tag.IsEmpty)
            {
                Fail(errors, current.Start, "YAML tags (!tag) are not allowed");
                return null;
            }

            ManifestNode? completed;
            switch (current)
            {
                case Scalar scalar:
                    completed = ToScalar(scalar);
                    break;
                case MappingStart or SequenceStart:
                    if (open.Count >= limits.MaxYamlDepth)
                    {
                        Fail(errors, current.Start, $"nesting is deeper than {limits.MaxYamlDepth} levels");
                        return null;
                    }

                    open.Push(new Container(current is MappingStart, current.Start));
                    continue;
                case MappingEnd or SequenceEnd:
                    completed = open.Pop().Build();
                    break;
                default:
                    Fail(errors, current.Start, $"unexpected YAML element {current.GetType().Name}");
                    return null;
            }

            if (open.Count == 0)
            {
                return completed;
            }

            if (!open.Peek().Add(completed))
            {
                Fail(errors, completed.Line, completed.Column, "keys must be plain values, not lists or mappings");
                return null;
            }
        }
    }

    private static ManifestScalar ToScalar(Scalar scalar)
    {
        var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
        return new ManifestScalar(scalar.Value, isNull, scalar.Start.Line, scalar.Start.Column);
    }

    private static void Fail(FrameworkErrorList errors, Mark mark, string message) => Fail(errors, mark.Line, mark.Column, message);

    private static void Fail(FrameworkErrorList errors, long line, long column, string message) =>
        errors.Add($"{FrameworkPaths.Manifest}:{line}:{column}", message);

    // YamlException messages start with "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 9, Idx: 24): "; the
    // position is already in the location.
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    private sealed class Container(bool isMapping, Mark start)
    {
        private readonly List<KeyValuePair<ManifestScalar, ManifestNode>> _entries = [];
        private readonly List<ManifestNode> _items = [];
        private ManifestScalar? _pendingKey;

        /// <returns>False when a mapping key is not a scalar.</returns>
        public bool Add(ManifestNode node)
        {
            if (!isMapping)
            {
                _items.Add(node);
                return true;
            }

            if (_pendingKey is null)
            {
                _pendingKey = node as ManifestScalar;
                return _pendingKey is not null;
            }

            _entries.Add(new(_pendingKey, node));
            _pendingKey = null;
            return true;
        }

        public ManifestNode Build() => isMapping
            ? new ManifestMapping(_entries, start.Line, start.Column)
            : new ManifestSequence(_items, start.Line, start.Column);
    }
}
