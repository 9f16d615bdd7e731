using System.Text.Json;
using EngineeringFramework.Core.UseCases;
using FluentValidation;

namespace EngineeringFramework.Core.Activity;

public sealed record ListActivityRequest(int Limit = 50, string? Cursor = null);

/// <summary>
/// One recorded change. <see cref="Changes"/> is an object of <c>field: {from, to}</c>; <see cref="Client"/> names
/// the MCP or API client when the change came from an agent.
/// </summary>
public sealed record ActivityEntryView(
    Guid Id,
    Guid? ProjectId,
    Guid? ChecklistItemId,
    Guid UserId,
    string? UserDisplayName,
    Surface Surface,
    string? Client,
    string Action,
    JsonElement Changes,
    DateTime At);

/// <summary>One page of history, newest first; pass <see cref="NextCursor"/> back for older entries (null on the last page).</summary>
public sealed record ActivityPage(IReadOnlyList<ActivityEntryView> Items, string? NextCursor);

internal sealed class ListActivityValidator : AbstractValidator<ListActivityRequest>
{
    public ListActivityValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, 100);
        RuleFor(r => r.Cursor!).Must(c => ActivityCursor.TryDecode(c, out _)).WithMessage("'Cursor' is not a cursor this service returned.")
            .When(r => r.Cursor is not null);
    }
}
