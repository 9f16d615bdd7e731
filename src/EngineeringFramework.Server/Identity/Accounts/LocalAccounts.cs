using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// Local accounts (embedded mode) on ASP.NET Core Identity: passwords hashed by Identity (PBKDF2), length over
/// composition rules (NIST SP 800-63B), lockout after the configured number of failures, confirmed email
/// required before sign-in, single-use reset and confirmation tokens that expire after an hour. Every sign-in,
/// sign-up and reset request does the same expensive work whether or not the address has an account (see
/// <see cref="EqualWorkSignInManager"/>, the sign-up page and <see cref="LocalPasswordReset"/>).
/// </summary>
internal static class LocalAccounts
{
    public const int MinimumPasswordLength = 12;
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public static IServiceCollection AddLocalAccounts(this IServiceCollection services, IdentitySettings identity, IHostEnvironment environment)
    {
        services.AddIdentity<IdentityUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = MinimumPasswordLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = identity.MaxFailedAccessAttempts;
                o.Lockout.DefaultLockoutTimeSpan = identity.LockoutDuration;
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedEmail = true;
            })
            .AddEntityFrameworkStores<IdentityStoreDbContext>()
            .AddUserManager<Grants.RevokingUserManager>()
            .AddSignInManager<EqualWorkSignInManager>()
            .AddDefaultTokenProviders();
        services.AddSingleton<DecoyPasswordHash>();

        // Reset and confirmation tokens embed the account's security stamp, which changes when the password does:
        // a reset link works once, and not after the hour.
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TokenLifetime);

        // The session cookie is checked against the account's security stamp on every request (one user lookup), so
        // a stamp change ends the account's sessions at once: sign-out rotates it, so a copied cookie dies with it.
        // The validator rebuilds the principal each time; the session's sign-in time is carried over (see SignInTime).
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.Zero;
            o.OnRefreshingPrincipal = SignInTime.CopyOnRefresh;
        });
        services.ConfigureApplicationCookie(o => SessionCookie.Configure(o, environment));
        foreach (var scheme in new[] { IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme, IdentityConstants.ExternalScheme })
        {
            services.Configure<CookieAuthenticationOptions>(scheme, o =>
            {
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            });
        }

        services.AddScoped<IPasswordResetRequester, LocalPasswordReset>();
        services.AddScoped<AccountLinks>();
        return services;
    }

    /// <summary>
    /// Removing the cookie from this browser is not enough (a copy of it would stay valid until it expires): the
    /// account's security stamp changes too, which ends every browser session of the account at its next request.
    /// Applications the person connected keep their grants; "sign out everywhere" ends those as well.
    /// </summary>
    internal static async Task EndBrowserSessionsAsync(HttpContext context, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn)
    {
        var session = await context.AuthenticateAsync(Authentication.CookieScheme);
        if (session.Succeeded && await users.GetUserAsync(session.Principal!) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
    }

    /// <summary>
    /// "Sign out everywhere": every browser session of the account, and every authorization and token it granted to
    /// applications (see <see cref="Grants.AccountRevocation"/>), end now.
    /// </summary>
    internal static async Task SignOutEverywhereAsync(HttpContext context, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, Grants.AccountRevocation revocation)
    {
        var session = await context.AuthenticateAsync(Authentication.CookieScheme);
        if (session.Succeeded && await users.GetUserAsync(session.Principal!) is { } user)
        {
            await revocation.RevokeAllAsync(user.Id, context.RequestAborted);
        }

        await EndBrowserSessionsAsync(context, users, signIn);
    }
}
