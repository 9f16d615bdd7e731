using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Testing;

/// <summary>
/// Two requests at the same moment: each in its own scope (its own context and connection) on its own
/// thread, with the service already resolved, released together by a barrier. Each side's outcome is
/// kept (null when it succeeded), so a test can say which one won and how the other was refused.
/// </summary>
public static class Race
{
    public static async Task<(Exception? First, Exception? Second)> RunAsync<TService>(CoreServices core, Func<TService, Task> first, Func<TService, Task> second)
        where TService : notnull
    {
        var cancel = TestContext.Current.CancellationToken;
        using var barrier = new Barrier(2);

        Task Side(Func<TService, Task> action) => Task.Run(() => core.InScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<TService>();
            barrier.SignalAndWait(cancel);
            await action(service);
        }), cancel);

        var sides = new[] { Side(first), Side(second) };

        // Each side's own exception is read below.
        await Task.WhenAll(sides).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return (sides[0].Exception?.InnerException, sides[1].Exception?.InnerException);
    }
}
