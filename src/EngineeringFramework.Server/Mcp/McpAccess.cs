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

internal sealed class McpAccessHandler(IHttpContextAccessor http) : AuthorizationHandler<McpAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, McpAccessRequirement requirement)
    {
        var httpContext = http.HttpContext;
        if (httpContext is null)
        {
            context.Fail(new AuthorizationFailureReason(this, "No request."));
            return;
        }

        var services = httpContext.RequestServices;
        var identity = services.GetRequiredService<SignInClaims>().Read(context.User);
        var caller = await services.GetRequiredService<CurrentCaller>().ResolveAsync(identity, httpContext.RequestAborted);
        if (caller is null)
        {
            context.Fail(new AuthorizationFailureReason(this, "No user."));
            return;
        }

        // The grant is asked of the authorizer on every request: a revocation on any instance holds on the next call.
        var organizations = await services.GetRequiredService<McpAccessService>()
            .OrganizationsWithAccessAsync(caller.As(Surface.Mcp), httpContext.RequestAborted);
        if (organizations.Count == 0)
        {
            context.Fail(new AuthorizationFailureReason(this, NotProvisioned));
            return;
        }

        httpContext.Items[typeof(McpCaller)] = new McpCaller(caller.UserId, caller.Email, caller.EmailVerified, caller.DisplayName, organizations, caller.IsServiceAccount);
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
