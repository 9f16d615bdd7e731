using OpenIddict.Abstractions;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// Deletes OAuth clients that arrived on their own (dynamic registration, metadata documents) and were never approved by
/// anyone within <see cref="Unused"/>: anyone can register a client, so unused registrations must not pile up, and a
/// client nobody connected has nothing to lose (it registers again, or its metadata document is read again). A client
/// with any authorization, even a revoked one, is kept: its history belongs to the people who used it. Runs in every
/// instance; two instances deleting the same row is harmless. The same round prunes what OpenIddict no longer needs:
/// tokens and authorizations that expired, were redeemed or revoked more than <see cref="PruneAfter"/> ago (every
/// refresh writes new token rows, so without this the table only grows).
/// </summary>
internal sealed partial class UnusedClientSweeper(IServiceScopeFactory scopes, TimeProvider time, ILogger<UnusedClientSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Unused = TimeSpan.FromDays(1);
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan PruneAfter = TimeSpan.FromDays(14);

    private const int PageSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var deleted = await SweepAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }

                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be briefly away; the next round tries again.
                LogFailed(logger, e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <returns>How many clients were deleted.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var cutoff = (time.GetUtcNow() - Unused).ToUnixTimeSeconds();
        var doomed = new List<object>();
        for (var offset = 0; ; offset += PageSize)
        {
            // A page is read to the end before anything else is asked: PostgreSQL runs one command per connection at a time.
            var page = await applications.ListAsync(PageSize, offset, cancellationToken).ToListAsync(cancellationToken);
            foreach (var application in page)
            {
                var properties = await applications.GetPropertiesAsync(application, cancellationToken);
                if (PublicClients.Text(properties, PublicClients.SourceProperty) is null
                    || PublicClients.UnixSeconds(properties, PublicClients.RegisteredAtProperty) is not { } registered || registered > cutoff)
                {
                    continue;
                }

                var id = (await applications.GetIdAsync(application, cancellationToken))!;
                if (!await authorizations.FindByApplicationIdAsync(id, cancellationToken).AnyAsync(cancellationToken))
                {
                    doomed.Add(application);
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        var deleted = 0;
        foreach (var application in doomed)
        {
            try
            {
                await applications.DeleteAsync(application, cancellationToken);
                deleted++;
            }
            catch (OpenIddictExceptions.ConcurrencyException)
            {
                // Another instance got there first, or the client was just approved: either way, leave it.
            }
        }

        return deleted;
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var threshold = time.GetUtcNow() - PruneAfter;
        await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, cancellationToken);
        await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} OAuth client registration(s) nobody ever approved")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sweep unused OAuth client registrations ({Reason}); trying again later")]
    private static partial void LogFailed(ILogger logger, string reason);
}
