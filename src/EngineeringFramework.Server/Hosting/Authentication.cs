using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EngineeringFramework.Server.Hosting;

/// <summary>
/// Deny by default: every endpoint requires an authenticated caller unless it explicitly allows
/// anonymous access (health, static assets, OAuth metadata). Until the identity feature registers the
/// real JWT bearer and cookie schemes, the only scheme authenticates nobody, so nothing but the
/// anonymous routes can be reached.
/// </summary>
internal static class Authentication
{
    public const string NoCredentialsScheme = "NoCredentials";

    public static IServiceCollection AddAppAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(NoCredentialsScheme)
            .AddScheme<AuthenticationSchemeOptions, NoCredentialsHandler>(NoCredentialsScheme, _ => { });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    private sealed class NoCredentialsHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        }
    }
}
