using System.Security.Claims;
using EngineeringFramework.Core.McpAccess;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Identity.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// A valid token is not enough for MCP: the caller must hold <c>access</c> on some organization's
/// <c>mcp_server</c>, granted by that organization's admins. Without it the answer is 403 with a message
/// that says so, so people know whom to ask.
/// </summary>
internal sealed class McpAccessRequirement : IAuthorizationRequirement
{
    public const string Policy = "McpAccess";
}

internal sealed class McpAccessHandler(IHttpContextAccessor http, McpCallerCache cache) : AuthorizationHandler<McpAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, McpAccessRequirement requirement)
    {
        var httpContext = http.HttpContext;
        var subject = context.User.FindFirstValue("sub");
        if (httpContext is null || subject is null)
        {
            context.Fail(new AuthorizationFailureReason(this, "No subject."));
            return;
        }

        var services = httpContext.RequestServices;
        var users = services.GetRequiredService<AppUserProvisioner>();

        // Only who the subject is may be remembered. A token with another address than the remembered one goes to the
        // provisioner, which keeps the user row current.
        if (!cache.TryGet(subject, out var identity) || !users.EmailOf(context.User).IsCurrent(identity!.Email, identity.EmailVerified))
        {
            var user = await users.FindOrCreateAsync(context.User, httpContext.RequestAborted);
            if (user is null)
            {
                context.Fail(new AuthorizationFailureReason(this, "No user."));
                return;
            }

            identity = new McpIdentity(user.Id, user.Email, user.EmailVerified, user.DisplayName);
            cache.Set(subject, identity);
        }

        // The grant is asked of the authorizer on every request: a revocation on any instance holds on the next call.
        var organizations = await services.GetRequiredService<McpAccessService>()
            .OrganizationsWithAccessAsync(new Caller(identity.UserId, Surface.Mcp), httpContext.RequestAborted);
        if (organizations.Count == 0)
        {
            context.Fail(new AuthorizationFailureReason(this, NotProvisioned));
            return;
        }

        httpContext.Items[typeof(McpCaller)] = new McpCaller(identity.UserId, identity.Email, identity.EmailVerified, identity.DisplayName, organizations);
        context.Succeed(requirement);
    }

    public const string NotProvisioned = "MCP access has not been provisioned for your account. Ask an admin of your organization to grant you MCP access.";
}

/// <summary>Writes the 403 for a missing MCP grant as a body a person (or an agent) can act on.</summary>
internal sealed class McpAccessResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons.Any(r => r.Message == McpAccessHandler.NotProvisioned) == true)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 403, Title = "MCP access not provisioned", Detail = McpAccessHandler.NotProvisioned },
            });
            return;
        }

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
