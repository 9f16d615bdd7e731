using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Mcp;

/// <summary>
/// The MCP bearer scheme's 401, per the MCP authorization spec: <c>WWW-Authenticate: Bearer
/// resource_metadata="…"</c> so clients can discover the authorization server, plus
/// <c>error="invalid_token"</c> when a token was presented and refused.
/// </summary>
internal sealed class McpChallenge(Audiences audiences) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (name != Authentication.McpBearerScheme)
        {
            return;
        }

        options.Events ??= new JwtBearerEvents();
        options.Events.OnChallenge = context =>
        {
            context.HandleResponse();
            var presented = context.Request.Headers.Authorization.Count > 0;
            var header = $"Bearer resource_metadata=\"{ProtectedResourceMetadata.Url(audiences)}\"";
            if (presented)
            {
                // No detail on why: a forger learns nothing from the answer.
                header += ", error=\"invalid_token\"";
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = header;
            return Task.CompletedTask;
        };
    }
}
