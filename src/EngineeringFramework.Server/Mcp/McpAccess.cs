using System.Security.Claims;
using EngineeringFramework.Core.Authorization;
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

        var users = httpContext.RequestServices.GetRequiredService<AppUserProvisioner>();

        // A token with another address than the cached one goes to the provisioner, which keeps the user row current.
        if (!cache.TryGet(subject, out var caller) || !users.EmailOf(context.User).IsCurrent(caller!.Email, caller.EmailVerified))
        {
            var services = httpContext.RequestServices;
            var user = await users.FindOrCreateAsync(context.User, httpContext.RequestAborted);
            if (user is null)
            {
                context.Fail(new AuthorizationFailureReason(this, "No user."));
                return;
            }

            var servers = await services.GetRequiredService<Authorizer>().ListObjectsAsync(new Caller(user.Id, Surface.Mcp), "access", "mcp_server", httpContext.RequestAborted);
            var organizations = servers.Select(s => Guid.Parse(s.AsSpan("mcp_server:".Length))).Order().ToList();
            caller = new McpCaller(user.Id, user.Email, user.EmailVerified, user.DisplayName, organizations);
            cache.Set(subject, caller);
        }

        if (caller!.OrganizationsWithAccess.Count == 0)
        {
            context.Fail(new AuthorizationFailureReason(this, NotProvisioned));
            return;
        }

        httpContext.Items[typeof(McpCaller)] = caller;
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
