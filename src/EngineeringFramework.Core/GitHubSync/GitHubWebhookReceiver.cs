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

    /// <summary>A signed push or pull request: a check of its commit is queued, and for a push to the configured branch a sync.</summary>
    Queued,

    /// <summary>A delivery id already received, or a commit already checked: nothing queued again.</summary>
    Duplicate,

    /// <summary>Signed, but nothing to do (another event or repository, a deletion, a tag, a plan without sync, no token).</summary>
    Ignored,

    /// <summary>Signed, but the push or pull request payload or the delivery id is unusable.</summary>
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

        if (eventName == "ping")
        {
            return GitHubWebhookOutcome.Pong;
        }

        if (eventName is not ("push" or "pull_request"))
        {
            return GitHubWebhookOutcome.Ignored;
        }

        if (string.IsNullOrEmpty(deliveryId) || deliveryId.Length > MaxDeliveryIdLength || ReadDelivery(eventName, body) is not { } delivery)
        {
            return GitHubWebhookOutcome.Malformed;
        }

        if (delivery.RepositoryFullName is not null && !string.Equals(delivery.RepositoryFullName, $"{settings.Owner}/{settings.Repository}", StringComparison.OrdinalIgnoreCase))
        {
            return GitHubWebhookOutcome.Ignored;
        }

        // Only a push to the configured branch is ever applied; every other branch and every pull request is checked only.
        var sync = eventName == "push" && delivery.Ref == "refs/heads/" + settings.Branch;
        if ((!sync && delivery.Check is null)
            || settings.TokenCiphertext is null || !GitHubSyncService.PlanAllowsSync(await GitHubSyncService.CurrentPlanAsync(db, cancellationToken)))
        {
            return GitHubWebhookOutcome.Ignored;
        }

        if (await IsKnownDeliveryAsync(deliveryId, cancellationToken))
        {
            return GitHubWebhookOutcome.Duplicate;
        }

        bool queued;
        try
        {
            queued = await queue.EnqueueDeliveryAsync(organizationId, deliveryId, delivery.Check, sync, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same delivery (or another delivery of the same commit) arrived twice at once; the unique indexes let
            // exactly one of them in.
            db.ChangeTracker.Clear();
            if (await IsKnownDeliveryAsync(deliveryId, cancellationToken))
            {
                return GitHubWebhookOutcome.Duplicate;
            }

            // The other delivery checks the commit: this one now only remembers its id (and queues its sync).
            queued = await queue.EnqueueDeliveryAsync(organizationId, deliveryId, delivery.Check, sync, cancellationToken);
        }

        await ForgetOldDeliveriesAsync(cancellationToken);
        return queued ? GitHubWebhookOutcome.Queued : GitHubWebhookOutcome.Duplicate;
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

    /// <summary>What a signed delivery says: the repository, the pushed ref, and the commit to check, if any.</summary>
    private sealed record Delivery(string? RepositoryFullName, string? Ref, FrameworkCheckRequest? Check);

    private static readonly string[] CheckedPullRequestActions = ["opened", "synchronize", "reopened"];

    /// <summary>
    /// A push names its ref (required) and the commit it moved the ref to (<c>after</c>); a branch deletion (<c>deleted</c>,
    /// or <c>after</c> all zeros) and a tag push have nothing to check. A pull request that was opened, pushed to or
    /// reopened names its head commit, checked through the configured repository even when the head lives in a fork:
    /// GitHub serves a pull request's head commits from the base repository too. Null when the body is unusable.
    /// </summary>
    private static Delivery? ReadDelivery(string eventName, ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var repositoryFullName = Text(Property(root, "repository"), "full_name");
            if (eventName == "push")
            {
                if (Text(root, "ref") is not { } pushedRef)
                {
                    return null;
                }

                var deleted = Property(root, "deleted") is { ValueKind: JsonValueKind.True };
                var after = Sha(Text(root, "after"));
                FrameworkCheckRequest? check = pushedRef.StartsWith(BranchPrefix, StringComparison.Ordinal) && !deleted && after is not null && after.Any(c => c != '0')
                    ? new(after, pushedRef[BranchPrefix.Length..] is { Length: <= GitHubNames.MaxBranchLength } branch ? branch : null, null)
                    : null;
                return new(repositoryFullName, pushedRef, check);
            }

            if (Text(root, "action") is not { } action)
            {
                return null;
            }

            if (!CheckedPullRequestActions.Contains(action, StringComparer.Ordinal))
            {
                return new(repositoryFullName, null, null);
            }

            var pullRequest = Property(root, "pull_request");
            var head = Property(pullRequest, "head");
            if (Sha(Text(head, "sha")) is not { } sha
                || Property(pullRequest, "number") is not { ValueKind: JsonValueKind.Number } numberElement || !numberElement.TryGetInt32(out var number))
            {
                return null;
            }

            var headRef = Text(head, "ref") is { Length: > 0 and <= GitHubNames.MaxBranchLength } r ? r : null;
            return new(repositoryFullName, null, new(sha, headRef, number));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private const string BranchPrefix = "refs/heads/";

    private static JsonElement? Property(JsonElement? element, string name)
        => element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) ? value : null;

    private static string? Text(JsonElement? element, string name)
        => Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>A commit id as git writes it (SHA-1, or SHA-256 in repositories that use it), lower-cased; else null.</summary>
    private static string? Sha(string? value)
        => value is { Length: 40 or 64 } && value.All(char.IsAsciiHexDigit) ? value.ToLowerInvariant() : null;

    private Task<bool> IsKnownDeliveryAsync(string deliveryId, CancellationToken cancellationToken)
        => db.GitHubWebhookDeliveries.AnyAsync(d => d.DeliveryId == deliveryId, cancellationToken);

    // GitHub redelivers within days, not months: old ids are dropped so the table stays small.
    private Task ForgetOldDeliveriesAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.DeliveryRetention;
        return db.GitHubWebhookDeliveries.Where(d => d.ReceivedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
