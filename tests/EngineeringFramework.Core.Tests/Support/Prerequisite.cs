using System.Diagnostics.CodeAnalysis;

namespace EngineeringFramework.Testing;

/// <summary>
/// Something a test needs from beside the repository (<c>../shared</c>, a tool <c>.ci/run</c> installs) is absent. On a
/// developer's machine the test skips, saying what to provide; in CI (<c>CI=true</c>) it fails, because CI always
/// provides it and a missing piece there is a broken pipeline, which a skip would hide behind a green run.
/// </summary>
public static class Prerequisite
{
    public static bool InContinuousIntegration => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    [DoesNotReturn]
    public static void Missing(string message)
    {
        if (InContinuousIntegration)
        {
            Assert.Fail(message + " CI (CI=true) must provide it, so this test fails instead of skipping.");
        }

        Assert.Skip(message + " (In CI, CI=true, this fails instead.)");
    }
}
