namespace EngineeringFramework.Core.Frameworks;

/// <summary>
/// The one sort rule: by order, ties broken by slug (ordinal) so that the result never depends on the
/// position of entries in framework.yml — required for a hash that ignores file layout.
/// </summary>
internal static class FrameworkOrdering
{
    public static IEnumerable<T> Sort<T>(IEnumerable<T> source, Func<T, int> order, Func<T, string> slug) =>
        source.OrderBy(order).ThenBy(slug, StringComparer.Ordinal);
}
