using System.Security.Claims;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Server.Mcp;
using Microsoft.AspNetCore.Http;

namespace EngineeringFramework.Server.Tests.Mcp;

/// <summary>
/// Who an MCP tool call acts as: the organization gate every tool passes, and the client name the history records
/// (so people can tell an agent's changes from theirs).
/// </summary>
public sealed class McpContextTests
{
    private static readonly Guid Granted = Guid.CreateVersion7();
    private static readonly Guid Other = Guid.CreateVersion7();

    [Fact]
    public void A_tool_naming_an_organization_without_a_grant_is_told_it_was_not_found()
    {
        var http = Accessor(clientId: "claude-code");

        Assert.Equal("Organization was not found.", Assert.Throws<NotFoundException>(() => http.ForOrganization(Other)).Message);
        Assert.Equal(Surface.Mcp, http.ForOrganization(Granted).Surface);
    }

    [Fact]
    public void A_call_that_skipped_the_access_policy_is_refused()
    {
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext() };

        Assert.Equal("The MCP access policy did not run.", Assert.Throws<InvalidOperationException>(() => http.ForOrganization(Granted)).Message);
    }

    [Theory]
    [InlineData("claude-code", "some-agent/1.0", "claude-code")]
    [InlineData(null, "some-agent/1.0", "some-agent/1.0")]
    [InlineData(null, null, "mcp")]
    public void The_client_is_the_tokens_client_id_else_the_user_agent_else_mcp(string? clientId, string? userAgent, string expected)
    {
        Assert.Equal(expected, Accessor(clientId, userAgent).ForOrganization(Granted).Client);
    }

    [Theory]
    [InlineData(200, 200)]
    [InlineData(201, 200)]
    [InlineData(5000, 200)]
    public void A_client_name_is_kept_to_200_characters(int length, int kept)
    {
        var name = new string('a', length - 1) + "z";

        var client = Accessor(clientId: null, userAgent: name).ForOrganization(Granted).Client;

        Assert.Equal(name[..kept], client);
    }

    private static HttpContextAccessor Accessor(string? clientId, string? userAgent = null)
    {
        var context = new DefaultHttpContext();
        context.Items[typeof(McpCaller)] = new McpCaller(Guid.CreateVersion7(), "ada@example.test", true, "Ada", [Granted]);
        if (clientId is not null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("client_id", clientId)], "Bearer"));
        }

        if (userAgent is not null)
        {
            context.Request.Headers.UserAgent = userAgent;
        }

        return new HttpContextAccessor { HttpContext = context };
    }
}
