using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.SignOff;
using EngineeringFramework.Core.UseCases;

namespace EngineeringFramework.Server.Ui;

/// <summary>A project's requests awaiting a person, as its pages show them, and which of them the caller may decide.</summary>
public sealed record SignOffQueue(IReadOnlyList<SignOffRequestView> Requests, IReadOnlySet<Guid> Decidable)
{
    public static SignOffQueue Empty { get; } = new([], new HashSet<Guid>());

    /// <summary>
    /// The project's awaiting requests (newest first, at most <paramref name="limit"/>), plus the one a posted decision names
    /// if it is this project's but no longer awaiting, so that its form is found and the use case answers the conflict.
    /// The forms are offered where <see cref="SignOffService.CanDecideAsync"/> says so, asked once per status.
    /// </summary>
    public static async Task<SignOffQueue> LoadAsync(SignOffService signOffs, Caller caller, Guid organizationId, Guid projectId, HttpContext http, int limit, CancellationToken cancellationToken, Guid? itemId = null)
    {
        ArgumentNullException.ThrowIfNull(signOffs);
        var requests = (await signOffs.ListAsync(caller, organizationId, new ListSignOffRequests(projectId, Limit: limit, ItemId: itemId), cancellationToken)).ToList();
        if (SignOffForm.Posted(http) is { } posted && requests.All(r => r.Id != posted))
        {
            try
            {
                var request = await signOffs.GetAsync(caller, organizationId, posted, cancellationToken);
                if (request.ProjectId == projectId)
                {
                    requests.Add(request);
                }
            }
            catch (NotFoundException)
            {
                // Not a request of this organization: the post names no form on the page and is refused as such.
            }
        }

        var allowed = new Dictionary<ChecklistItemStatus, bool>();
        foreach (var status in requests.Select(r => r.Status).Distinct())
        {
            allowed[status] = await signOffs.CanDecideAsync(caller, projectId, status, cancellationToken);
        }

        return new SignOffQueue(requests, requests.Where(r => allowed[r.Status]).Select(r => r.Id).ToHashSet());
    }

    /// <summary>The notice after a decision's redirect (<c>?decided=</c>), or none.</summary>
    public static string? DecidedMessage(string? decided) => decided switch
    {
        "confirmed" => "The agent's request was confirmed; the item took its status.",
        "sent-back" => "The agent's request was sent back with your comment; the item kept its status.",
        _ => null,
    };
}
