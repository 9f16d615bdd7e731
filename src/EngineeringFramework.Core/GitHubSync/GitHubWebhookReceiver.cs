using System.Security.Cryptography;
using System.Text.Json;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.GitHubSync;

public enum GitHubWebhookOutcome
{
    /// <summary>No valid <c>X-Hub-Signature-256</c> for this organization's secret (or no connection at all): 401, no detail.</summary>
    Unauthorized,

    /// <summary>A signed <c>ping</c>.</summary>
    Pong,

    /// <summary>A signed push to the configured branch: a sync is queued.</summary>
    Queued,

    /// <summary>A delivery id already received: nothing queued again.</summary>
    Duplicate,

    /// <summary>Signed, but nothing to do (another event, another branch or repository, a plan without sync, no token).</summary>
    Ignored,

    /// <summary>Signed, but the push payload or delivery id is unusable.</summary>
    Malformed,
}

/// <summary>
/// GitHub's deliveries to <c>/webhooks/github/{organizationId}</c>. There is no signed-in caller: the
/// HMAC-SHA256 signature with the organization's own secret is the authentication, and it is checked over
/// the raw bytes, in constant time, before anything in the body is parsed.
/// </summary>
public sealed class GitHubWebhookReceiver(AppDbContext db, TenantContext tenant, GitHubSecrets secrets, GitHubSyncQueue queue, GitHubSyncOptions options, TimeProvider time)
{
    private const string SignaturePrefix = "sha256=";
    private const int MaxDeliveryIdLength = 100;
    private static readonly byte[] UnknownOrganizationKey = RandomNumberGenerator.GetBytes(64);

    public async Task<GitHubWebhookOutcome> ReceiveAsync(Guid organizationId, string? signature256, string? eventName, string? deliveryId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (organizationId == Guid.Empty)
        {
            return GitHubWebhookOutcome.Unauthorized;
        }

        // The organization comes from the URL; its secret is the only thing that can vouch for the request.
        tenant.Set(organizationId);
        var settings = await db.GitHubSyncSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        // Without a connection the signature is still computed (against a throw-away key), so the answer takes
        // as long as a wrong signature's and says nothing about which organizations are connected.
        var secret = settings is null ? UnknownOrganizationKey : secrets.OpenWebhookSecret(organizationId, settings.WebhookSecretCiphertext);
        if (!HasValidSignature(secret, signature256, body.Span) || settings is null)
        {
            return GitHubWebhookOutcome.Unauthorized;
        }

        switch (eventName)
        {
            case "ping":
                return GitHubWebhookOutcome.Pong;
            case "push":
                break;
            default:
                return GitHubWebhookOutcome.Ignored;
        }

        if (string.IsNullOrEmpty(deliveryId) || deliveryId.Length > MaxDeliveryIdLength || !ReadPush(body, out var pushedRef, out var repositoryFullName))
        {
            return GitHubWebhookOutcome.Malformed;
        }

        if (pushedRef != "refs/heads/" + settings.Branch
            || (repositoryFullName is not null && !string.Equals(repositoryFullName, $"{settings.Owner}/{settings.Repository}", StringComparison.OrdinalIgnoreCase)))
        {
            return GitHubWebhookOutcome.Ignored;
        }

        if (settings.TokenCiphertext is null || !GitHubSyncService.PlanAllowsSync(await GitHubSyncService.CurrentPlanAsync(db, cancellationToken)))
        {
            return GitHubWebhookOutcome.Ignored;
        }

        if (await IsKnownDeliveryAsync(deliveryId, cancellationToken))
        {
            return GitHubWebhookOutcome.Duplicate;
        }

        try
        {
            await queue.EnqueueAsync(organizationId, GitHubSyncTrigger.Webhook, null, cancellationToken, deliveryId);
        }
        catch (DbUpdateException)
        {
            // The same delivery arrived twice at once; the unique index let exactly one of them in.
            db.ChangeTracker.Clear();
            if (await IsKnownDeliveryAsync(deliveryId, cancellationToken))
            {
                return GitHubWebhookOutcome.Duplicate;
            }

            throw;
        }

        await ForgetOldDeliveriesAsync(cancellationToken);
        return GitHubWebhookOutcome.Queued;
    }

    /// <summary>GitHub signs with HMAC-SHA256 keyed by the secret's text; the header is <c>sha256=</c> and 64 hex digits.</summary>
    internal static bool HasValidSignature(byte[] secret, string? header, ReadOnlySpan<byte> body)
    {
        if (header is null || header.Length != SignaturePrefix.Length + 64 || !header.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(SignaturePrefix.Length), presented, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    private static bool ReadPush(ReadOnlyMemory<byte> body, out string? pushedRef, out string? repositoryFullName)
    {
        pushedRef = null;
        repositoryFullName = null;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("ref", out var refElement) || refElement.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            pushedRef = refElement.GetString();
            if (document.RootElement.TryGetProperty("repository", out var repository) && repository.ValueKind == JsonValueKind.Object
                && repository.TryGetProperty("full_name", out var fullName) && fullName.ValueKind == JsonValueKind.String)
            {
                repositoryFullName = fullName.GetString();
            }

            return pushedRef is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private Task<bool> IsKnownDeliveryAsync(string deliveryId, CancellationToken cancellationToken)
        => db.GitHubWebhookDeliveries.AnyAsync(d => d.DeliveryId == deliveryId, cancellationToken);

    // GitHub redelivers within days, not months: old ids are dropped so the table stays small.
    private Task ForgetOldDeliveriesAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.DeliveryRetention;
        return db.GitHubWebhookDeliveries.Where(d => d.ReceivedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
