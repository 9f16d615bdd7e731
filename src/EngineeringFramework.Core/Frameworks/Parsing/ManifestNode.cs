namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// Our own minimal YAML tree, built from parser events rather than YamlDotNet's representation model so that
/// aliases are refused before anything is expanded and depth is checked as the events arrive.
/// </summary>
internal abstract record ManifestNode(long Line, long Column);

/// <param name="IsNull">A plain empty scalar, <c>~</c> or <c>null</c>: the YAML way of writing "no value".</param>
internal sealed record ManifestScalar(string Value, bool IsNull, long Line, long Column) : ManifestNode(Line, Column);

/// <remarks>Entries keep duplicates; the binder reports them with their path.</remarks>
internal sealed record ManifestMapping(IReadOnlyList<KeyValuePair<ManifestScalar, ManifestNode>> Entries, long Line, long Column)
    : ManifestNode(Line, Column);

internal sealed record ManifestSequence(IReadOnlyList<ManifestNode> Items, long Line, long Column) : ManifestNode(Line, Column);
