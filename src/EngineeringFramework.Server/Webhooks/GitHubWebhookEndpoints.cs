using System.Net.Http.Headers;
using EngineeringFramework.Core.GitHubSync;
using Microsoft.AspNetCore.Http.Features;

namespace EngineeringFramework.Server.Webhooks;

/// <summary>
/// <c>POST /webhooks/github/{organizationId}</c>: GitHub's deliveries. Anonymous by nature; the receiver
/// checks the HMAC-SHA256 signature over the raw body before anything is parsed. Answers: 415 for a body
/// that is not JSON, 413 above the size limit, 401 (no detail) without a valid signature, 200 for ping and
/// for deliveries that need nothing done (or a commit already checked), 202 when a sync or a check was queued.
/// </summary>
internal static class GitHubWebhookEndpoints
{
    public static IEndpointRouteBuilder MapGitHubWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(GitHubWebhookAddress.PathPrefix + "{organizationId:guid}", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Webhooks")
            .WithName("ReceiveGitHubWebhook")
            .WithSummary("GitHub webhook deliveries (ping, push, pull_request) for one organization, signed with its webhook secret: a push to the configured branch is synced, every other push and pull request is checked.")
            // No Accepts<> metadata: routing would then turn other content types away before the handler,
            // and the handler's own 415 (with its explanation) is the answer a misconfigured webhook should see.
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(Guid organizationId, HttpContext context, GitHubWebhookReceiver receiver, GitHubSyncOptions options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "Deliveries must be application/json: set the webhook's content type to application/json in GitHub.");
        }

        var body = await ReadBoundedAsync(context, options.MaxWebhookBodyBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Request body too large",
                detail: $"Webhook deliveries larger than {options.MaxWebhookBodyBytes} bytes are not accepted.");
        }

        var outcome = await receiver.ReceiveAsync(
            organizationId,
            request.Headers["X-Hub-Signature-256"].FirstOrDefault(),
            request.Headers["X-GitHub-Event"].FirstOrDefault(),
            request.Headers["X-GitHub-Delivery"].FirstOrDefault(),
            body,
            cancellationToken);
        return outcome switch
        {
            // No detail: a caller without the secret learns nothing, not even whether the organization exists.
            GitHubWebhookOutcome.Unauthorized => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized"),
            GitHubWebhookOutcome.Pong => TypedResults.Ok(new WebhookAnswer("pong")),
            GitHubWebhookOutcome.Queued => TypedResults.Accepted((string?)null, new WebhookAnswer("queued")),
            GitHubWebhookOutcome.Duplicate => TypedResults.Ok(new WebhookAnswer("duplicate")),
            GitHubWebhookOutcome.Ignored => TypedResults.Ok(new WebhookAnswer("ignored")),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed delivery", detail: "A push delivery needs an X-GitHub-Delivery id and a JSON body with a 'ref'; a pull request delivery, its 'action' and, when opened, synchronized or reopened, 'pull_request.number' and 'pull_request.head.sha'."),
        };
    }

    /// <summary>The raw body (the signature covers these exact bytes), or null when it exceeds <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContext context, int limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Kestrel's global cap is for JSON APIs; deliveries get their own, enforced below as well.
            sizeFeature.MaxRequestBodySize = limit + 1L;
        }

        return await EngineeringFramework.Core.Frameworks.BoundedRead.ReadAtMostAsync(context.Request.Body, limit, cancellationToken);
    }

    private sealed record WebhookAnswer(string Status);
}
