using EngineeringFramework.Core.Frameworks;

namespace EngineeringFramework.Core.Tests.Frameworks;

internal static class FrameworkAssert
{
    /// <summary>The framework is rejected with exactly one error, at <paramref name="location"/>.</summary>
    public static FrameworkError SingleError(FrameworkValidationResult result, string location)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        var error = Assert.Single(result.Errors, e => true);
        Assert.True(error.Location == location, $"expected location '{location}' but got: {string.Join(" | ", result.Errors)}");
        return error;
    }

    public static FrameworkError SingleError(FrameworkSource source, string location)
    {
        var error = Assert.Single(source.Errors);
        Assert.True(error.Location == location, $"expected location '{location}' but got: {string.Join(" | ", source.Errors)}");
        return error;
    }
}
