using EngineeringFramework.Core.Crypto;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Accounts;
using EngineeringFramework.Server.Identity.Authority;
using EngineeringFramework.Server.Identity.External;
using EngineeringFramework.Server.Identity.Grants;
using EngineeringFramework.Server.Identity.Registration;
using EngineeringFramework.Server.Identity.Store;
using EngineeringFramework.Server.Identity.Tokens;
using EngineeringFramework.Server.Identity.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EngineeringFramework.Server.Identity;

/// <summary>
/// The identity feature: who the caller is. Embedded mode runs the OpenIddict authority, local accounts and
/// their pages in process; external mode (<c>AUTH_AUTHORITY</c>) signs the UI in through the provider and turns
/// the embedded authority off entirely. Either way API and MCP callers present RS256 bearer tokens.
/// </summary>
internal static class IdentityComposition
{
    public static IServiceCollection AddAppIdentity(this IServiceCollection services, ServerSettings server, IdentitySettings identity, IHostEnvironment environment)
    {
        services.AddSingleton(identity);
        services.AddSingleton<SignInClaims>();

        // Both modes: bearer tokens (and external-mode sessions) of a deleted account are refused (see GrantStanding). Try: a
        // test may put its own in first, with a fake clock.
        services.TryAddSingleton<GrantStanding>();
        services.AddSingleton<Core.Data.Signals.IGrantChangeObserver>(sp => sp.GetRequiredService<GrantStanding>());
        services.AddScoped<Reauthentication>();
        services.AddScoped<AccountRemoval>();
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Identity/Pages";
                o.Conventions.AllowAnonymousToFolder("/Account");

                // The OAuth endpoints' pages (consent, sign-out) are reached signed out too; each decides what a session needs.
                o.Conventions.AllowAnonymousToFolder("/Connect");
            })
            // The host's application name is not always this assembly (tests, tools): name it as the pages' home.
            .AddApplicationPart(typeof(IdentityComposition).Assembly)
            // The account pages run no script, so client-side validation's data-val-* attributes would be dead weight;
            // every rule is checked on the server and its message shown next to its field.
            .AddViewOptions(o => o.HtmlHelperOptions.ClientValidationEnabled = false);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__ef_antiforgery";
            o.Cookie.SecurePolicy = environment.IsDevelopment() ? Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest : Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;
        });

        if (identity.IsExternal)
        {
            services.AddAppAuthentication(server, identity, environment);
            services.AddExternalAuthority(identity, environment);
            return services;
        }

        services.AddSingleton(sp => new SigningKeys(
            identity.SigningKeyPem ?? DevelopmentSigningKey.LoadOrCreate(server.DataDirectory, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevelopmentSigningKey))),
            identity.PreviousSigningKeyPem));
        services.AddSingleton<AccessTokenMinter>();
        services.AddScoped<AccountRevocation>();
        services.AddScoped<Consents>();
        services.AddScoped<ConnectedApps>();
        services.AddSingleton(sp => new TokenEncryptionKey(sp.GetRequiredService<EncryptionKey>()));
        services.AddIdentityStore(server.Database);
        services.AddLocalAccounts(identity, environment);
        services.AddAppAuthentication(server, identity, environment);
        foreach (var scheme in new[] { Authentication.BearerScheme, Authentication.McpBearerScheme })
        {
            services.AddOptions<JwtBearerOptions>(scheme).Configure<SigningKeys, Audiences>((o, keys, audiences) =>
                o.ConfigurationManager = new EmbeddedAuthorityConfiguration(audiences.Issuer, keys));
        }
        services.AddEmbeddedAuthority(Audiences.From(server, identity), environment);
        return services;
    }

    public static WebApplication MapAppIdentity(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapMeApi();
        if (app.Services.GetRequiredService<IdentitySettings>().IsExternal)
        {
            app.MapExternalAuthority();
        }
        else
        {
            app.MapAuthorityEndpoints();
            app.MapClientRegistration();
        }

        return app;
    }
}
