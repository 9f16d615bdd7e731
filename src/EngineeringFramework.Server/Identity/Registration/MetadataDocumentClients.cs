using System.Text.Json;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace EngineeringFramework.Server.Identity.Registration;

/// <summary>
/// Client ID Metadata Documents at the authorization endpoint: when a <c>client_id</c> is a URL, its document is
/// fetched (or its cached copy used), checked, and kept as an OpenIddict application under that very client id, before
/// OpenIddict looks the client up. From there on it is an ordinary public client: its redirect URIs are the ones the
/// document lists (so OpenIddict refuses any other), it must use PKCE, and the person must approve it on the consent
/// page, which names the host that published the document. When the copy expires the document is fetched again and
/// the application follows it; a document that can no longer be fetched or checked stops new authorizations.
/// </summary>
internal sealed partial class MetadataDocumentClients(
    IOpenIddictApplicationManager applications,
    MetadataDocumentFetcher fetcher,
    Audiences audiences,
    TimeProvider time,
    IHostEnvironment environment,
    Store.IdentityStoreDbContext store,
    ILogger<MetadataDocumentClients> logger) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
        .UseScopedHandler<MetadataDocumentClients>()
        // After OpenIddict has checked that a client_id is present, before anything looks the client up.
        .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientIdParameter.Descriptor.Order + 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var clientId = context.ClientId;
        if (!MetadataDocumentUrl.LooksLikeOne(clientId))
        {
            return;
        }

        if (!MetadataDocumentUrl.TryParse(clientId!, environment.IsDevelopment(), out var url, out var problem))
        {
            context.Reject(Errors.InvalidClient, problem);
            return;
        }

        var cancellationToken = context.CancellationToken;
        var application = await applications.FindByClientIdAsync(clientId!, cancellationToken);
        var now = time.GetUtcNow();
        if (application is not null
            && PublicClients.UnixSeconds(await applications.GetPropertiesAsync(application, cancellationToken), PublicClients.MetadataExpiresAtProperty) is { } expires
            && now.ToUnixTimeSeconds() < expires)
        {
            return;
        }

        MetadataDocument document;
        try
        {
            document = await fetcher.FetchAsync(url!, cancellationToken);
        }
        catch (MetadataDocumentException e)
        {
            LogRefused(logger, url!.Host, e.Message);
            context.Reject(Errors.InvalidClient, $"The client's metadata document cannot be used: {e.Message}.");
            return;
        }

        var expiresAt = JsonSerializer.SerializeToElement(document.ExpiresAt.ToUnixTimeSeconds());
        try
        {
            if (application is null)
            {
                var descriptor = PublicClients.Describe(clientId!, document.Metadata, audiences, PublicClients.MetadataDocument, now);
                descriptor.Properties[PublicClients.MetadataExpiresAtProperty] = expiresAt;
                await applications.CreateAsync(descriptor, cancellationToken);
            }
            else
            {
                var descriptor = new OpenIddictApplicationDescriptor();
                await applications.PopulateAsync(descriptor, application, cancellationToken);
                PublicClients.Apply(descriptor, document.Metadata);
                descriptor.Properties[PublicClients.MetadataExpiresAtProperty] = expiresAt;
                await applications.UpdateAsync(application, descriptor, cancellationToken);
            }
        }
        catch (Exception e) when (e is OpenIddictExceptions.ConcurrencyException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // Another request stored the same document at the same moment: theirs is as good as ours. The failed row must
            // not linger in this request's unit of work, where the consent's own save would try to write it again.
            store.ChangeTracker.Clear();
            LogRaced(logger, url!.Host);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused the client metadata document from {Host}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string host, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another request stored the client metadata document from {Host} first")]
    private static partial void LogRaced(ILogger logger, string host);
}
