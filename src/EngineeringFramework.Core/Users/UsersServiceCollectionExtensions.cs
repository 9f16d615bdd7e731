using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.UseCases;
using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Users;

public static class UsersServiceCollectionExtensions
{
    /// <summary>Who is calling (<see cref="CurrentCaller"/>, for every surface), the user directory, and account deletion.</summary>
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddScoped<AccountDeletion>();
        services.AddScoped<UserDirectory>();
        services.AddScoped<CurrentCaller>();
        services.AddSingleton<KnownCallers>();
        services.AddSingleton<IRelationshipChangeObserver>(sp => sp.GetRequiredService<KnownCallers>());
        return services;
    }
}
