using EngineeringFramework.Core;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.Mail;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EngineeringFramework.Testing;

/// <summary>The Core use cases wired as the server wires them (<see cref="EngineeringFrameworkCore"/>), over a throw-away database. One scope = one request.</summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private CoreServices(TestDatabase database, ServiceProvider provider)
    {
        Database = database;
        this.provider = provider;
    }

    public TestDatabase Database { get; }

    /// <param name="time">The clock every service sees; a <c>FakeTimeProvider</c> for tests about expiry.</param>
    /// <param name="configure">Extra registrations (e.g. GitHub sync pointed at a fake GitHub).</param>
    public static async Task<CoreServices> CreateAsync(DatabaseProvider? databaseProvider = null, TimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var database = await TestDatabase.CreateAsync(databaseProvider);
        var services = new ServiceCollection();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddLogging();
        services.AddSingleton<IMailSender, CapturingMailSender>();

        // The server's own list of features (GitHub sync left out: tests that need it wire it to a fake GitHub).
        services.AddEngineeringFrameworkCore(new CoreOptions(database.Connection, new Uri("https://ef.test/")));
        configure?.Invoke(services);
        return new CoreServices(database, services.BuildServiceProvider(validateScopes: true));
    }

    /// <summary>A singleton (background runners, signals).</summary>
    public T GetRequiredService<T>()
        where T : notnull
        => provider.GetRequiredService<T>();

    /// <summary>Runs <paramref name="action"/> in a fresh scope, as one request would.</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = provider.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public Task InScopeAsync(Func<IServiceProvider, Task> action) => InScopeAsync<object?>(async sp =>
    {
        await action(sp);
        return null;
    });

    /// <summary>A user as a sign-in creates one: by default with the confirmed address <c>{name}@example.com</c>.</summary>
    public async Task<Caller> CreateUserAsync(string name, string? email = null, bool emailVerified = true)
    {
        var user = new User { AuthSubject = "sub-" + name + "-" + Guid.NewGuid().ToString("N")[..6], Email = email ?? $"{name}@example.com", EmailVerified = emailVerified, DisplayName = name, CreatedAt = DateTime.UtcNow };
        await InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.Users.Add(user);
            await db.SaveChangesAsync();
        });
        return new Caller(user.Id, Surface.Api);
    }

    /// <summary>Adds a member the way the members feature will: a membership row and its tuple, in one save.</summary>
    public Task AddMemberAsync(Guid organizationId, Caller member, MembershipRole role = MembershipRole.Member) => InScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        sp.GetRequiredService<EngineeringFramework.Core.Tenancy.TenantContext>().Set(organizationId);
        db.Memberships.Add(new Membership { OrganizationId = organizationId, UserId = member.UserId, Role = role, CreatedAt = DateTime.UtcNow });
        sp.GetRequiredService<RelationshipWriter>().Write(organizationId, Fga.Organization(organizationId), role == MembershipRole.Admin ? "admin" : "member", Fga.User(member.UserId));
        await db.SaveChangesAsync();
    });

    public Task WriteTupleAsync(string @object, string relation, string user) => InScopeAsync(async sp =>
    {
        sp.GetRequiredService<RelationshipWriter>().Write(null, @object, relation, user);
        await sp.GetRequiredService<AppDbContext>().SaveChangesAsync();
    });

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        await Database.DisposeAsync();
    }
}
