using EngineeringFramework.Core.Data.Signals;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using EngineeringFramework.Server.Identity.Grants;
using Microsoft.AspNetCore.Identity;

namespace EngineeringFramework.Server.Identity.Accounts;

/// <summary>
/// Deleting an account end to end, for the account page and <c>admin delete-user</c>: first the product's data (one
/// transaction in Core, which refuses the last admin of an organization and then changes nothing), then, in embedded
/// mode, the local account itself, whose deletion revokes every authorization and token it granted
/// (<see cref="RevokingUserManager.DeleteAsync"/>). Last, every remembered token verdict of this process is forgotten,
/// here and on every instance that hears the signal (<see cref="ClusterSignals"/>), so the account's tokens are refused from
/// the next request on (an instance that missed the signal: within <see cref="GrantStanding.Recheck"/>).
/// </summary>
/// <remarks>
/// The product's data goes first because it is the step that may refuse. Should the local account's deletion then
/// fail, the person is left with a sign-in but no product data, and the deletion is recorded, so tokens from before it
/// stay refused; running the deletion again finishes the job (the product step then finds nothing left to erase).
/// </remarks>
internal sealed class AccountRemoval(AccountDeletion deletion, ClusterSignals signals, IdentitySettings identity, IServiceProvider services)
{
    /// <exception cref="ConflictException">The account is the last admin of an organization (named); nothing was deleted.</exception>
    public async Task RemoveAsync(string subject, Surface surface, CancellationToken cancellationToken)
    {
        await deletion.DeleteAsync(subject, surface, cancellationToken);
        await signals.PublishAsync([CacheSignal.Grants], cancellationToken);
        if (identity.IsExternal)
        {
            // The sign-in account belongs to the provider; only the product's data was ours to delete.
            return;
        }

        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(subject) is { } account)
        {
            var deleted = await users.DeleteAsync(account);
            if (!deleted.Succeeded)
            {
                throw new InvalidOperationException("The sign-in account could not be deleted: " + string.Join(" ", deleted.Errors.Select(e => e.Description)));
            }
        }

        await signals.PublishAsync([CacheSignal.Grants], cancellationToken);
    }
}
