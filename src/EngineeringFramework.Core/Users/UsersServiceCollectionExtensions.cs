using Microsoft.Extensions.DependencyInjection;

namespace EngineeringFramework.Core.Users;

public static class UsersServiceCollectionExtensions
{
    public static IServiceCollection AddUsers(this IServiceCollection services) => services.AddScoped<AccountDeletion>();
}
