namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// One problem in a framework. <paramref name="Location"/> is either a path into framework.yml
/// (<c>categories[2].subcategories[0].items[3].slug</c>), a YAML position (<c>framework.yml:4:7</c>),
/// a file path relative to the framework root (<c>definitions/foo.md</c>) or <c>(source)</c> for the
/// folder/archive as a whole.
/// </summary>
internal sealed record FrameworkError(string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
