using System.Diagnostics.CodeAnalysis;
using EngineeringFramework.Core.Checklists;

namespace EngineeringFramework.Server.Ui;

/// <summary>
/// An item's status form, as the project page and My work post it: the version read, the new status, and the reason when
/// it is not applicable. Kept as text so a tampered value is answered next to the field rather than failing the binding.
/// </summary>
public sealed class StatusUpdateForm
{
    public string? Version { get; set; }

    public string? Status { get; set; }

    public string? Reason { get; set; }

    /// <summary>
    /// The update the form asks for: only the status (and its reason) changes; everything else of <paramref name="item"/>
    /// goes back as read, at the version read, so a change someone else made in between is refused rather than
    /// overwritten. False when the version or the status posted is not one the form offers.
    /// </summary>
    public static bool TryRead(StatusUpdateForm? posted, ChecklistItemView item, [NotNullWhen(true)] out UpdateChecklistItemRequest? request)
    {
        ArgumentNullException.ThrowIfNull(item);
        request = null;
        if (!long.TryParse(posted?.Version, out var version) || !Enum.TryParse<ChecklistItemStatus>(posted?.Status, out var status) || !Enum.IsDefined(status))
        {
            return false;
        }

        request = new UpdateChecklistItemRequest(
            version, status, status == ChecklistItemStatus.NotApplicable ? posted!.Reason : null, item.Notes, item.AssigneeUserId, item.DueDate, item.EvidenceLinks);
        return true;
    }
}
