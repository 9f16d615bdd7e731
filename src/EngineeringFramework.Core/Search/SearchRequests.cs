using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Projects;
using FluentValidation;

namespace EngineeringFramework.Core.Search;

/// <summary>
/// Words to look for: every word must appear (in any order), each matching the start of a word of the text, so
/// "threat mod" finds "Threat model". Only letters and digits count; everything else separates words, so no character
/// has a meaning of its own. <see cref="Limit"/> 1 to 50.
/// </summary>
public sealed record SearchRequest(string Query, int Limit = 20);

public enum SearchResultKind
{
    Project,
    ChecklistItem,
    Definition,
}

/// <summary>A piece of a title or excerpt; <see cref="Match"/> marks a word the query found, for a surface to highlight.</summary>
public sealed record SearchFragment(string Text, bool Match);

/// <summary>
/// One result: a project (its name and description), a checklist item of a project (its name and notes), or a
/// definition of the organization's current framework (an item's name and definition). <see cref="Excerpt"/> is the
/// part of the text around the first match, as plain text, or empty when only the title matched.
/// </summary>
public sealed record SearchResult(
    SearchResultKind Kind,
    string Title,
    IReadOnlyList<SearchFragment> TitleFragments,
    IReadOnlyList<SearchFragment> Excerpt,
    Guid? ProjectId,
    string? ProjectName,
    ProjectStatus? ProjectStatus,
    Guid? ItemId,
    string? ItemSlug,
    ChecklistItemStatus? ItemStatus,
    string? Context);

/// <summary>The results, best first (title matches rank above text matches), and the words that were looked for.</summary>
public sealed record SearchResults(IReadOnlyList<string> Terms, IReadOnlyList<SearchResult> Results);

internal sealed class SearchRequestValidator : AbstractValidator<SearchRequest>
{
    public SearchRequestValidator()
    {
        RuleFor(r => r.Query).Cascade(CascadeMode.Stop)
            .NotNull()
            .MaximumLength(200)
            .Storable()
            .Must(q => SearchTerms.Of(q).Count > 0).WithMessage("'Query' must contain a word (letters or digits) to search for.");
        RuleFor(r => r.Limit).InclusiveBetween(1, 50);
    }
}
