using System.Reflection;
using System.Security.Claims;
using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Identity.Grants;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Tests.Identity;

/// <summary>
/// The remembered verdicts of <see cref="GrantStanding"/> against a revocation that lands while a lookup is in flight.
/// The authorization store is a stand-in whose status read can be held at a gate, so the interleaving the cache swap
/// guards against is produced on purpose, not hoped for: a lookup reads "valid", the grant is revoked and every verdict
/// forgotten, then the lookup finishes and stores what it read.
/// </summary>
public sealed class GrantStandingTests : IDisposable
{
    private const string Subject = "ada";
    private const string AuthorizationId = "authorization-1";

    private readonly Store store = new();
    private readonly ServiceProvider services;
    private readonly GrantStanding standing;

    public GrantStandingTests()
    {
        var collection = new ServiceCollection();
        collection.AddSingleton(new IdentitySettings());
        collection.AddScoped(_ => Store.Proxy(store));
        services = collection.BuildServiceProvider();
        standing = new GrantStanding(services.GetRequiredService<IServiceScopeFactory>(), new FakeTimeProvider(DateTimeOffset.UtcNow));
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ClaimsPrincipal Token => new(new ClaimsIdentity([new Claim(Claims.Subject, Subject), new Claim(Claims.Private.AuthorizationId, AuthorizationId)], "Bearer"));

    public void Dispose()
    {
        standing.Dispose();
        services.Dispose();
    }

    [Fact]
    public async Task A_verdict_read_before_a_revocation_and_stored_after_it_is_not_what_the_next_request_sees()
    {
        // The first lookup reads the grant while it is still valid, and is held there.
        var held = store.HoldNextStatusRead();
        var inFlight = standing.StandsAsync(Token, Cancel).AsTask();
        await held.Reached.WaitAsync(Cancel);

        // The revocation commits and is heard (in this process or by signal) while that lookup is still running.
        store.Valid = false;
        standing.GrantsChanged();
        held.Release();

        // The request in flight overlapped the revocation, so either answer is fair for it; the next one is not.
        await inFlight;
        Assert.False(await standing.StandsAsync(Token, Cancel), "A verdict read before the revocation outlived it.");
        Assert.Equal(2, store.StatusReads);
    }

    [Fact]
    public async Task Verdicts_forgotten_again_and_again_under_concurrent_lookups_never_fail_a_request()
    {
        // Forgetting drops the old cache while lookups may still store into it; disposing it there made those stores throw.
        // Each lookup yields inside its status read, so forgets land between a lookup's start and its store.
        const int reads = 300;
        var lookups = Enumerable.Range(0, 4).Select(_ => Task.Run(
            async () =>
            {
                while (store.StatusReads < reads)
                {
                    Assert.True(await standing.StandsAsync(Token, Cancel));
                }
            },
            Cancel)).ToList();
        var forgets = 0;
        var forgetting = Task.Run(
            async () =>
            {
                while (!lookups.TrueForAll(l => l.IsCompleted))
                {
                    standing.ForgetAll();
                    forgets++;
                    await Task.Yield();
                }
            },
            Cancel);

        await Task.WhenAll(lookups);
        await forgetting;

        Assert.True(store.StatusReads >= reads);
        Assert.True(forgets > 0);
    }

    /// <summary>The one authorization in the store; its status read can be held at a gate once.</summary>
    internal sealed class Store
    {
        private Gate? gate;
        private int statusReads;

        public volatile bool Valid = true;

        public int StatusReads => Volatile.Read(ref statusReads);

        public Gate HoldNextStatusRead() => gate = new Gate();

        public static IOpenIddictAuthorizationManager Proxy(Store store)
        {
            var proxy = DispatchProxy.Create<IOpenIddictAuthorizationManager, AuthorizationManagerProxy>();
            ((AuthorizationManagerProxy)(object)proxy).Store = store;
            return proxy;
        }

        public async ValueTask<bool> HasStatusAsync(string status)
        {
            Interlocked.Increment(ref statusReads);
            var valid = Valid && status == Statuses.Valid;
            await Task.Yield();
            if (Interlocked.Exchange(ref gate, null) is { } held)
            {
                await held.WaitAsync();
            }

            return valid;
        }
    }

    internal sealed class Gate
    {
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => reached.Task;

        public void Release() => released.SetResult();

        public Task WaitAsync()
        {
            reached.SetResult();
            return released.Task;
        }
    }

    /// <summary>The three calls <see cref="GrantStanding"/> makes; any other call is a test that no longer fits the code.</summary>
    public class AuthorizationManagerProxy : DispatchProxy
    {
        private static readonly object Authorization = new();

        internal Store Store { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IOpenIddictAuthorizationManager.FindByIdAsync) => new ValueTask<object?>(args![0] as string == AuthorizationId ? Authorization : null),
            nameof(IOpenIddictAuthorizationManager.HasStatusAsync) => Store.HasStatusAsync((string)args![1]!),
            nameof(IOpenIddictAuthorizationManager.GetSubjectAsync) => new ValueTask<string?>(Subject),
            _ => throw new NotSupportedException($"{targetMethod?.Name} is not part of this stand-in."),
        };
    }
}
