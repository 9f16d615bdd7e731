namespace EngineeringFramework.Authz.Testing;

/// <summary>Compares list results as sets and formats them for failure messages.</summary>
internal static class ResultComparison
{
    public static bool SameElements(IReadOnlyCollection<string> expected, IReadOnlyCollection<string> actual)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        var remaining = expected.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var item in actual)
        {
            if (!remaining.TryGetValue(item, out var count) || count == 0)
            {
                return false;
            }

            remaining[item] = count - 1;
        }

        return true;
    }

    public static string Format(IEnumerable<string> items) => "[" + string.Join(", ", items.Order(StringComparer.Ordinal)) + "]";
}
