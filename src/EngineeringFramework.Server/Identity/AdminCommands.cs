using System.CommandLine;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.SystemAdministration;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Server.Hosting;
using EngineeringFramework.Server.Identity.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Console;

namespace EngineeringFramework.Server.Identity;

/// <summary>
/// <c>admin create-user|delete-user|token|grant-super-admin|revoke-super-admin</c>: operator commands run against the same
/// configuration as the server (DATABASE_URL, DATA_DIR, PUBLIC_URL, the signing key). Each builds the app without
/// starting it and works in one service scope. Logs go to standard error, so standard output carries only the
/// command's answer (for <c>admin token</c>, the token alone).
/// </summary>
internal static class AdminCommands
{
    public const int DefaultTokenMinutes = 15;
    public const int MaxTokenMinutes = 24 * 60;

    public static Command Create(TextWriter output, TextWriter error, TextReader? input = null)
    {
        var admin = new Command("admin", "Operator commands: local accounts, access tokens, system super-admins, backup and restore.");
        admin.Subcommands.Add(CreateUser(output, error, input));
        admin.Subcommands.Add(DeleteUser(output, error));
        admin.Subcommands.Add(Token(output, error));
        admin.Subcommands.Add(SuperAdmin("grant-super-admin", "Make a user a system super-admin.", output, error, (admins, email, ct) => admins.GrantAsync(email, ct)));
        admin.Subcommands.Add(BackupCommands.Backup(output, error));
        admin.Subcommands.Add(BackupCommands.Restore(output, error));
        admin.Subcommands.Add(SuperAdmin("revoke-super-admin", "Take the system super-admin role from a user.", output, error, (admins, email, ct) => admins.RevokeAsync(email, ct)));
        return admin;
    }

    private static Command CreateUser(TextWriter output, TextWriter error, TextReader? input)
    {
        var email = new Option<string>("--email") { Description = "The account's email address (also its user name).", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (one line). Required: passwords never go on the command line." };
        var name = new Option<string?>("--name") { Description = "The user's display name in the product (default: the email address)." };
        var command = new Command("create-user", "Create a confirmed local account (embedded authority only) and its product user.")
        {
            email, passwordStdin, name,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => RunInScopeAsync(parse, error, cancellationToken, async services =>
        {
            if (RefuseExternal(services, error, "create local accounts"))
            {
                return 1;
            }

            if (!parse.GetValue(passwordStdin))
            {
                error.WriteLine("Pass --password-stdin and write the password to standard input: passwords are never taken from the command line.");
                return 1;
            }

            var password = (input ?? Console.In).ReadLine()?.TrimEnd('\r');
            if (string.IsNullOrEmpty(password))
            {
                error.WriteLine("No password on standard input.");
                return 1;
            }

            var address = parse.GetRequiredValue(email).Trim();
            var users = services.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByEmailAsync(address) is not null)
            {
                error.WriteLine($"An account with the email {address} already exists.");
                return 1;
            }

            var account = new IdentityUser { UserName = address, Email = address, EmailConfirmed = true };
            var created = await users.CreateAsync(account, password);
            if (!created.Succeeded)
            {
                error.WriteLine("The account was not created:");
                foreach (var problem in created.Errors)
                {
                    error.WriteLine($"  - {problem.Description}");
                }

                return 1;
            }

            // The product's user, exactly as the first sign-in would create it, so that grant-super-admin (and
            // memberships) can name this person before they ever sign in.
            var displayName = parse.GetValue(name) is { Length: > 0 } given ? given.Trim() : null;
            // The account was just created confirmed (EmailConfirmed above), as every embedded sign-in would report it.
            var identity = new SignInIdentity(account.Id, EmailClaim.From(address, verified: true, externalIssuer: false), displayName, services.GetRequiredService<TimeProvider>().GetUtcNow());
            Core.Users.User? user;
            try
            {
                user = await services.GetRequiredService<UserDirectory>().FindOrCreateAsync(identity, cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Leave no half-made account behind: the command can simply be run again.
                await users.DeleteAsync(account);
                throw;
            }

            if (user is null)
            {
                await users.DeleteAsync(account);
                error.WriteLine($"The product's user for {address} could not be created; nothing was kept.");
                return 1;
            }

            output.WriteLine($"Created the account {address} (subject {account.Id}).");
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The operator's twin of the account page's deletion (<see cref="Accounts.AccountRemoval"/>): same steps, same refusal
    /// of the last admin of an organization, same message. <c>--yes</c> is required because nothing undoes it.
    /// </summary>
    private static Command DeleteUser(TextWriter output, TextWriter error)
    {
        // The address may be given as `delete-user EMAIL` (as grant-super-admin takes it) or `--email EMAIL` (as
        // create-user and token take it); both spellings name the same thing, and giving two different ones is refused.
        var positional = new Argument<string?>("email") { Description = "The account's email address.", Arity = ArgumentArity.ZeroOrOne };
        var email = new Option<string?>("--email") { Description = "The account's email address (instead of the argument)." };
        var yes = new Option<bool>("--yes") { Description = "Confirm: the deletion is permanent." };
        var command = new Command("delete-user", "Delete an account: its memberships, permissions and grants go at once; its history stays, as 'Deleted user'. With an external authority, the product's data only.")
        {
            positional, email, yes,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => RunInScopeAsync(parse, error, cancellationToken, async services =>
        {
            var given = new[] { parse.GetValue(positional), parse.GetValue(email) }
                .Where(a => !string.IsNullOrWhiteSpace(a))
                .Select(a => a!.Trim())
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (given.Count != 1)
            {
                error.WriteLine(given.Count == 0
                    ? "Name the account: admin delete-user EMAIL --yes. Nothing was deleted."
                    : "Two different addresses were given (argument and --email); nothing was deleted.");
                return 1;
            }

            var address = given[0];
            if (!parse.GetValue(yes))
            {
                error.WriteLine($"Deleting {address} cannot be undone: run again with --yes to confirm. Nothing was deleted.");
                return 1;
            }

            var external = services.GetRequiredService<IdentitySettings>().IsExternal;
            string? subject = null;
            if (!external)
            {
                subject = (await services.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(address))?.Id;
            }

            if (subject is null)
            {
                // No local account (external mode, or a product user known only from tokens): the product's user by address.
                var matches = await services.GetRequiredService<UserDirectory>().SubjectsWithEmailAsync(address, 2, cancellationToken);
                if (matches.Count != 1)
                {
                    error.WriteLine(matches.Count == 0
                        ? $"No account has the email {address}."
                        : $"Several users share the email {address} (from different sign-in providers); nothing was deleted.");
                    return 1;
                }

                subject = matches[0];
            }

            try
            {
                await services.GetRequiredService<Accounts.AccountRemoval>().RemoveAsync(subject, Core.UseCases.Surface.System, cancellationToken);
            }
            catch (Core.UseCases.ConflictException e)
            {
                error.WriteLine(e.Message);
                return 1;
            }

            output.WriteLine(external
                ? $"Deleted the product data of {address} (subject {subject}); the sign-in account stays with the external provider."
                : $"Deleted the account {address} (subject {subject}).");
            return 0;
        }));
        return command;
    }

    private static Command Token(TextWriter output, TextWriter error)
    {
        var email = new Option<string>("--email") { Description = "The local account the token is for.", Required = true };
        var audience = new Option<string>("--audience") { Description = "The resource the token is for: this deployment's API ({PUBLIC_URL}/api) or MCP ({PUBLIC_URL}/mcp) audience.", Required = true };
        var minutes = new Option<int>("--minutes") { Description = $"Lifetime in minutes, 1 to {MaxTokenMinutes}.", DefaultValueFactory = _ => DefaultTokenMinutes };
        minutes.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value is < 1 or > MaxTokenMinutes)
            {
                result.AddError($"--minutes must be from 1 to {MaxTokenMinutes}.");
            }
        });
        var command = new Command("token", "Mint an access token for a local account with the embedded signing key; prints only the token.")
        {
            email, audience, minutes,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => RunInScopeAsync(parse, error, cancellationToken, async services =>
        {
            if (RefuseExternal(services, error, "mint tokens"))
            {
                return 1;
            }

            var audiences = services.GetRequiredService<Audiences>();
            var requested = parse.GetRequiredValue(audience).Trim();
            if (requested != audiences.Api && requested != audiences.Mcp)
            {
                error.WriteLine($"--audience must be this deployment's API audience ({audiences.Api}) or MCP audience ({audiences.Mcp}).");
                return 1;
            }

            var address = parse.GetRequiredValue(email).Trim();
            var users = services.GetRequiredService<UserManager<IdentityUser>>();
            var account = await users.FindByEmailAsync(address);
            if (account is null)
            {
                error.WriteLine($"No local account has the email {address}.");
                return 1;
            }

            // The same rule as the token endpoint: a locked or unconfirmed account gets no tokens.
            if (!await services.GetRequiredService<SignInManager<IdentityUser>>().CanSignInAsync(account) || await users.IsLockedOutAsync(account))
            {
                error.WriteLine($"The account {address} cannot sign in (unconfirmed or locked out); no token was minted.");
                return 1;
            }

            var token = services.GetRequiredService<AccessTokenMinter>().Mint(account.Id, account.Email, requested, TimeSpan.FromMinutes(parse.GetValue(minutes)));
            output.WriteLine(token);
            return 0;
        }));
        return command;
    }

    private static Command SuperAdmin(string name, string description, TextWriter output, TextWriter error, Func<SuperAdmins, string, CancellationToken, Task<string>> change)
    {
        var email = new Argument<string>("email") { Description = "The user's email address; the user must exist (signed in once, or created with admin create-user)." };
        var command = new Command(name, description) { email };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => RunInScopeAsync(parse, error, cancellationToken, async services =>
        {
            var admins = services.GetRequiredService<SuperAdmins>();
            try
            {
                output.WriteLine(await change(admins, parse.GetRequiredValue(email), cancellationToken));
                return 0;
            }
            catch (InvalidOperationException e)
            {
                error.WriteLine(e.Message);
                return 1;
            }
        }));
        return command;
    }

    /// <summary>Builds the app (configuration errors: exit 1), makes sure the database is usable, runs <paramref name="body"/> in one scope.</summary>
    private static async Task<int> RunInScopeAsync(ParseResult parse, TextWriter error, CancellationToken cancellationToken, Func<IServiceProvider, Task<int>> body)
    {
        var app = ServerHost.Build(AppCommandLine.RawArgs(parse), error, builder =>
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        if (app is null)
        {
            return 1;
        }

        await using (app)
        {
            if (!await PrepareDatabaseAsync(app.Services, error, cancellationToken))
            {
                return 1;
            }

            await using var scope = app.Services.CreateAsyncScope();
            return await body(scope.ServiceProvider);
        }
    }

    // Like the server's start: migrate where this deployment allows it, otherwise insist on an up-to-date database.
    private static async Task<bool> PrepareDatabaseAsync(IServiceProvider services, TextWriter error, CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<ServerSettings>().MigrateOnStart)
        {
            await ServerHost.MigrateAsync(services, cancellationToken);
            return true;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            error.WriteLine("The database is not reachable (check DATABASE_URL).");
            return false;
        }

        var identityStore = scope.ServiceProvider.GetService<Store.IdentityStoreDbContext>();
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any()
            || (identityStore is not null && (await identityStore.Database.GetPendingMigrationsAsync(cancellationToken)).Any()))
        {
            error.WriteLine("The database has pending migrations: run the migrate command first.");
            return false;
        }

        return true;
    }

    private static bool RefuseExternal(IServiceProvider services, TextWriter error, string what)
    {
        var identity = services.GetRequiredService<IdentitySettings>();
        if (!identity.IsExternal)
        {
            return false;
        }

        error.WriteLine($"An external sign-in authority is configured (AUTH_AUTHORITY={identity.Authority}): accounts and tokens belong to it, so this server cannot {what}. Use the provider's own tools.");
        return true;
    }
}
