using EngineeringFramework.Server.Identity;
using EngineeringFramework.Server.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EngineeringFramework.Server.Tests.Identity.Support;

/// <summary>
/// What a person's consent to an app leaves behind, made directly with OpenIddict's managers instead of through
/// <c>/connect/authorize</c> (whose consent page is not these tests' business): an application, a valid permanent
/// authorization of the subject for it, and an access token naming that authorization (<c>oi_au_id</c>), signed with
/// the server's own key exactly as the authority signs its tokens.
/// </summary>
internal static class GrantTokens
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<string> IssueAsync(TestApp app, string subject, string email, string audience)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = "connected-app-" + Guid.NewGuid().ToString("N"),
            ClientType = ClientTypes.Public,
            DisplayName = "A connected app",
        }, Cancel);
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var now = app.App.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var authorization = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = await applications.GetIdAsync(application, Cancel),
            Subject = subject,
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = now,
            Scopes = { Scopes.OpenId },
        }, Cancel);

        var keys = app.App.Services.GetRequiredService<SigningKeys>();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = app.App.Services.GetRequiredService<Audiences>().Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.UtcDateTime.AddMinutes(10),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object>
            {
                [Claims.Subject] = subject,
                [Claims.Email] = email,
                [Claims.Private.AuthorizationId] = (await authorizations.GetIdAsync(authorization, Cancel))!,
                [Claims.JwtId] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = keys.CurrentCredentials,
        });
    }
}
