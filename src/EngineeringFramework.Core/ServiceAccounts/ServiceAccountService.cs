using System.Text.Json;
using EngineeringFramework.Core.Activity;
using EngineeringFramework.Core.Authorization;
using EngineeringFramework.Core.Data;
using EngineeringFramework.Core.RoleTemplates;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Core.Tenancy;
using EngineeringFramework.Core.UseCases;
using EngineeringFramework.Core.Users;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

namespace EngineeringFramework.Core.ServiceAccounts;

/// <summary>
/// An organization's service accounts and their tokens, for its admins only (<c>can_manage_service_accounts</c>). What an
/// account may do is what its relationships say (<see cref="ServiceAccount"/>); this service writes them, together with
/// the account, in one save, and removes them all when the account is deleted.
/// </summary>
public sealed class ServiceAccountService(AppDbContext db, TenantContext tenant, Authorizer authorizer, RelationshipWriter relationships, TimeProvider time)
{
    /// <summary>Live tokens per account: enough to rotate (old and new side by side) across a few pipelines.</summary>
    public const int MaxLiveTokens = 10;

    /// <summary>Accounts per organization: automation, not a second member list.</summary>
    public const int MaxAccounts = 100;

    public const string CreatedAction = "service_account.created";
    public const string UpdatedAction = "service_account.updated";
    public const string DeletedAction = "service_account.deleted";
    public const string TokenCreatedAction = "service_account.token_created";
    public const string TokenRevokedAction = "service_account.token_revoked";

    private const string ManageRelation = "can_manage_service_accounts";
    private const string OrganizationWhat = "Organization";
    private const string AccountWhat = "Service account";
    private const string Granted = "granted";
    private const string Assignee = "assignee";
    private const string Member = "member";

    public async Task<IReadOnlyList<ServiceAccountView>> ListAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await EnsureCanManageAsync(caller, organizationId, cancellationToken);
        var accounts = await db.ServiceAccounts.AsNoTracking().OrderBy(a => a.Name).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        return await ViewsAsync(accounts, cancellationToken);
    }

    public async Task<ServiceAccountView> GetAsync(Caller caller, Guid organizationId, Guid serviceAccountId, CancellationToken cancellationToken)
    {
        await EnsureCanManageAsync(caller, organizationId, cancellationToken);
        var account = await db.ServiceAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == serviceAccountId, cancellationToken) ?? throw new NotFoundException(AccountWhat);
        return (await ViewsAsync([account], cancellationToken))[0];
    }

    /// <summary>
    /// Makes the account and its user, and writes what it may do: member of the organization, the role template's assignee,
    /// MCP access, and <c>acting_through_agent</c>, stored, so the sign-off policy applies to it as to any agent.
    /// </summary>
    public async Task<ServiceAccountView> CreateAsync(Caller caller, Guid organizationId, ServiceAccountRequest request, CancellationToken cancellationToken)
    {
        await new ServiceAccountValidator().ValidateAndThrowAsync(request, cancellationToken);
        await EnsureCanManageAsync(caller, organizationId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var expiresAt = CheckExpiry(request.ExpiresAt!.Value, now);
        var name = request.Name.Trim();
        await EnsureRoleTemplateAsync(request.RoleTemplateId, cancellationToken);
        if (await db.ServiceAccounts.CountAsync(cancellationToken) >= MaxAccounts)
        {
            throw new ConflictException($"An organization has at most {MaxAccounts} service accounts; delete one first.");
        }

        await EnsureNameFreeAsync(name, null, cancellationToken);
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            AuthSubject = $"service-account:{Guid.CreateVersion7()}",
            Email = string.Empty,
            DisplayName = name,
            IsServiceAccount = true,
            CreatedAt = now,
        };
        var account = new ServiceAccount
        {
            OrganizationId = organizationId,
            UserId = user.Id,
            Name = name,
            Description = Blank(request.Description),
            ExpiresAt = expiresAt,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        db.Users.Add(user);
        db.ServiceAccounts.Add(account);

        var subject = Fga.User(user.Id);
        relationships.Write(organizationId, Fga.Organization(organizationId), Member, subject);
        relationships.Write(organizationId, Fga.Organization(organizationId), AgentSignOff.ActingThroughAgent, subject);
        relationships.Write(organizationId, Fga.McpServer(organizationId), Granted, subject);
        if (request.RoleTemplateId is { } roleTemplateId)
        {
            Assign(organizationId, roleTemplateId, user.Id, now);
        }

        Record(caller, organizationId, CreatedAction, new { serviceAccountId = account.Id, name, roleTemplateId = request.RoleTemplateId, expiresAt }, now);
        await SaveAsync(cancellationToken);
        return await GetAsync(caller, organizationId, account.Id, cancellationToken);
    }

    public async Task<ServiceAccountView> UpdateAsync(Caller caller, Guid organizationId, Guid serviceAccountId, ServiceAccountRequest request, CancellationToken cancellationToken)
    {
        await new ServiceAccountValidator().ValidateAndThrowAsync(request, cancellationToken);
        await EnsureCanManageAsync(caller, organizationId, cancellationToken);
        var account = await db.ServiceAccounts.Include(a => a.User).SingleOrDefaultAsync(a => a.Id == serviceAccountId, cancellationToken) ?? throw new NotFoundException(AccountWhat);
        var now = time.GetUtcNow().UtcDateTime;
        var expiresAt = CheckExpiry(request.ExpiresAt!.Value, now);
        var name = request.Name.Trim();
        await EnsureRoleTemplateAsync(request.RoleTemplateId, cancellationToken);
        await EnsureNameFreeAsync(name, account.Id, cancellationToken);

        var current = await db.RoleAssignments.Where(a => a.UserId == account.UserId).ToListAsync(cancellationToken);
        foreach (var assignment in current.Where(a => a.RoleTemplateId != request.RoleTemplateId))
        {
            db.RoleAssignments.Remove(assignment);
            await relationships.DeleteAsync(Fga.Role(assignment.RoleTemplateId), Assignee, Fga.User(account.UserId), cancellationToken);
        }

        if (request.RoleTemplateId is { } roleTemplateId && current.All(a => a.RoleTemplateId != roleTemplateId))
        {
            Assign(organizationId, roleTemplateId, account.UserId, now);
        }

        account.Name = name;
        account.User!.DisplayName = name;
        account.Description = Blank(request.Description);
        account.ExpiresAt = expiresAt;
        Record(caller, organizationId, UpdatedAction, new { serviceAccountId = account.Id, name, roleTemplateId = request.RoleTemplateId, expiresAt }, now);
        await SaveAsync(cancellationToken);
        return await GetAsync(caller, organizationId, account.Id, cancellationToken);
    }

    /// <summary>
    /// Deletes the account, its tokens (refused from the next request on) and every relationship it had. Its user stays,
    /// marked deleted and without any credential, so the history it wrote still names it.
    /// </summary>
    public async Task DeleteAsync(Caller caller, Guid organizationId, Guid serviceAccountId, CancellationToken cancellationToken)
    {
        await EnsureCanManageAsync(caller, organizationId, cancellationToken);
        var account = await db.ServiceAccounts.Include(a => a.User).SingleOrDefaultAsync(a => a.Id == serviceAccountId, cancellationToken) ?? throw new NotFoundException(AccountWhat);
        var now = time.GetUtcNow().UtcDateTime;
        await relationships.DeleteAllAboutAsync(Fga.User(account.UserId), cancellationToken);

        db.RoleAssignments.RemoveRange(await db.RoleAssignments.Where(a => a.UserId == account.UserId).ToListAsync(cancellationToken));
        db.ServiceAccountTokens.RemoveRange(await db.ServiceAccountTokens.Where(t => t.ServiceAccountId == account.Id).ToListAsync(cancellationToken));
        db.ServiceAccounts.Remove(account);
        account.User!.DeletedAt = now;

        // As a deleted person's: a subject no credential carries, so nothing can ever resolve to this user again.
        account.User.AuthSubject = AccountDeletion.DeletedSubject(account.UserId);
        Record(caller, organizationId, DeletedAction, new { serviceAccountId = account.Id, name = account.Name }, now);
        await SaveAsync(cancellationToken);
    }

    /// <summary>A new token; its secret is in the answer and nowhere else, ever.</summary>
    public async Task<CreatedServiceAccountToken> CreateTokenAsync(Caller caller, Guid organizationId, Guid serviceAccountId, CreateServiceAccountTokenRequest request, CancellationToken cancellationToken)
    {
        await new CreateServiceAccountTokenValidator().ValidateAndThrowAsync(request, cancellationToken);
        await EnsureCanManageAsync(caller, organizationId, cancellationToken);
        var account = await db.ServiceAccounts.SingleOrDefaultAsync(a => a.Id == serviceAccountId, cancellationToken) ?? throw new NotFoundException(AccountWhat);
        var now = time.GetUtcNow().UtcDateTime;
        if (account.ExpiresAt <= now)
        {
            throw new ConflictException("The service account has expired; extend its expiry before making a token.");
        }

        if (await db.ServiceAccountTokens.CountAsync(t => t.ServiceAccountId == account.Id && t.RevokedAt == null, cancellationToken) >= MaxLiveTokens)
        {
            throw new ConflictException($"A service account has at most {MaxLiveTokens} live tokens; revoke one first.");
        }

        var secret = ServiceAccountTokenSecret.New();
        var token = new ServiceAccountToken
        {
            OrganizationId = organizationId,
            ServiceAccountId = account.Id,
            Name = request.Name.Trim(),
            Hash = ServiceAccountTokenSecret.HashOf(secret),
            Prefix = ServiceAccountTokenSecret.PrefixOf(secret),
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        db.ServiceAccountTokens.Add(token);
        Record(caller, organizationId, TokenCreatedAction, new { serviceAccountId = account.Id, tokenId = token.Id, name = token.Name, prefix = token.Prefix }, now);
        await SaveAsync(cancellationToken);
        return new CreatedServiceAccountToken(View(token), secret);
    }

    /// <summary>Refused from the next request on, on every instance (each request looks the token up). Revoking twice changes nothing.</summary>
    public async Task<ServiceAccountTokenView> RevokeTokenAsync(Caller caller, Guid organizationId, Guid serviceAccountId, Guid tokenId, CancellationToken cancellationToken)
    {
        await EnsureCanManageAsync(caller, organizationId, cancellationToken);
        var token = await db.ServiceAccountTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.ServiceAccountId == serviceAccountId, cancellationToken)
            ?? throw new NotFoundException("Token");
        if (token.RevokedAt is null)
        {
            var now = time.GetUtcNow().UtcDateTime;
            token.RevokedAt = now;
            Record(caller, organizationId, TokenRevokedAction, new { serviceAccountId, tokenId, name = token.Name, prefix = token.Prefix }, now);
            await SaveAsync(cancellationToken);
        }

        return View(token);
    }

    private async Task EnsureCanManageAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        await authorizer.EnsureAsync(caller, ManageRelation, Fga.Organization(organizationId), "can_view", OrganizationWhat, cancellationToken);
        tenant.Set(organizationId);
    }

    private static DateTime CheckExpiry(DateTimeOffset requested, DateTime now)
    {
        var expiresAt = requested.UtcDateTime;
        if (expiresAt <= now || expiresAt > now + ServiceAccount.LongestLifetime)
        {
            throw new ValidationException([new ValidationFailure(nameof(ServiceAccountRequest.ExpiresAt),
                $"'ExpiresAt' must be in the future and at most {ServiceAccount.LongestLifetime.TotalDays:0} days ahead.")]);
        }

        return expiresAt;
    }

    private async Task EnsureRoleTemplateAsync(Guid? roleTemplateId, CancellationToken cancellationToken)
    {
        if (roleTemplateId is { } id && !await db.RoleTemplates.AnyAsync(t => t.Id == id, cancellationToken))
        {
            throw new ValidationException([new ValidationFailure(nameof(ServiceAccountRequest.RoleTemplateId), "'RoleTemplateId' must name a role template of this organization.")]);
        }
    }

    private async Task EnsureNameFreeAsync(string name, Guid? except, CancellationToken cancellationToken)
    {
        if (await db.ServiceAccounts.AnyAsync(a => a.Name == name && a.Id != except, cancellationToken))
        {
            throw new ConflictException("The organization already has a service account with this name.");
        }
    }

    private void Assign(Guid organizationId, Guid roleTemplateId, Guid userId, DateTime now)
    {
        db.RoleAssignments.Add(new RoleAssignment { OrganizationId = organizationId, RoleTemplateId = roleTemplateId, UserId = userId, CreatedAt = now });
        relationships.Write(organizationId, Fga.Role(roleTemplateId), Assignee, Fga.User(userId));
    }

    private void Record(Caller caller, Guid organizationId, string action, object changes, DateTime now)
        => db.ActivityEntries.Add(new ActivityEntry
        {
            OrganizationId = organizationId,
            UserId = caller.UserId,
            Surface = caller.Surface,
            Client = ActivityEntry.ClientOf(caller),
            Action = action,
            ChangesJson = JsonSerializer.Serialize(changes, JsonSerializerOptions.Web),
            At = now,
        });

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<ServiceAccount>().Any(e => e.State == EntityState.Added))
        {
            // The unique (organization, name) index: another admin made an account with this name at the same moment.
            throw new ConflictException("The organization already has a service account with this name.");
        }
    }

    private async Task<IReadOnlyList<ServiceAccountView>> ViewsAsync(IReadOnlyList<ServiceAccount> accounts, CancellationToken cancellationToken)
    {
        var ids = accounts.Select(a => a.Id).ToList();
        var users = accounts.Select(a => a.UserId).ToList();
        var tokens = (await db.ServiceAccountTokens.AsNoTracking().Where(t => ids.Contains(t.ServiceAccountId)).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(cancellationToken))
            .ToLookup(t => t.ServiceAccountId);
        var roles = (await db.RoleAssignments.AsNoTracking().Where(a => users.Contains(a.UserId))
            .Join(db.RoleTemplates, a => a.RoleTemplateId, t => t.Id, (a, t) => new { a.UserId, t.Id, t.Name }).ToListAsync(cancellationToken))
            .ToDictionary(r => r.UserId);
        var now = time.GetUtcNow().UtcDateTime;
        return [.. accounts.Select(a => new ServiceAccountView(
            a.Id,
            a.UserId,
            a.Name,
            a.Description,
            roles.GetValueOrDefault(a.UserId)?.Id,
            roles.GetValueOrDefault(a.UserId)?.Name,
            a.ExpiresAt,
            a.ExpiresAt <= now,
            a.CreatedByUserId,
            a.CreatedAt,
            [.. tokens[a.Id].Select(View)],
            a.Version))];
    }

    private static ServiceAccountTokenView View(ServiceAccountToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.CreatedByUserId, t.LastUsedAt, t.RevokedAt);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
