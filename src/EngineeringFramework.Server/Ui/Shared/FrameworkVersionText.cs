using EngineeringFramework.Core.Frameworks.Diff;
using EngineeringFramework.Core.Frameworks.Versions;
using EngineeringFramework.Core.FrameworkUpgrades;

namespace EngineeringFramework.Server.Ui.Shared;

/// <summary>Words for framework versions, their differences and what an upgrade does, as the pages show them.</summary>
public static class FrameworkVersionText
{
    /// <summary>The system and each organization number their versions separately, so the name says whose it is.</summary>
    public static string Name(FrameworkVersionSummary version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return $"{Whose(version)} version {version.Number}";
    }

    public static string Whose(FrameworkVersionSummary version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return version.Scope == FrameworkScope.System ? "System" : "Organization";
    }

    /// <summary>Where the content came from; a GitHub version names its commit (the page links it to <see cref="FrameworkVersionSummary.SourceUrl"/>).</summary>
    public static string Source(FrameworkVersionSummary version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return version.Source switch
        {
            FrameworkSourceKind.Builtin => "Built-in",
            FrameworkSourceKind.Edit => "Edited by a super-admin",
            FrameworkSourceKind.GitHub => $"GitHub commit {ShortSha(version.CommitSha)}",
            _ => "Imported",
        };
    }

    /// <summary>A select option's text: which version, from where, when.</summary>
    public static string Option(FrameworkVersionSummary version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return $"{Name(version)}: {Source(version)}, {StatusText.Time(version.ImportedAt)}{(version.IsEffective ? " (current)" : string.Empty)}";
    }

    public static string Outcome(UpgradeOutcome outcome) => outcome switch
    {
        UpgradeOutcome.Added => "Added",
        UpgradeOutcome.Updated => "Updated",
        UpgradeOutcome.FlaggedForReview => "Flagged for review",
        UpgradeOutcome.Reset => "Reset",
        UpgradeOutcome.Retired => "Retired",
        UpgradeOutcome.Restored => "Restored",
        _ => outcome.ToString(),
    };

    public static string Aspect(FrameworkAspect aspect) => aspect switch
    {
        FrameworkAspect.Renamed => "renamed",
        FrameworkAspect.Moved => "moved",
        FrameworkAspect.Reordered => "reordered",
        FrameworkAspect.DescriptionChanged => "description changed",
        FrameworkAspect.DefinitionChanged => "definition changed",
        FrameworkAspect.OptionalChanged => "optional changed",
        FrameworkAspect.TemplateChanged => "template changed",
        FrameworkAspect.ContentChanged => "content changed",
        FrameworkAspect.ReviewIntervalChanged => "review interval changed",
        _ => aspect.ToString(),
    };

    public static string Aspects(IEnumerable<FrameworkAspect> aspects) => string.Join(", ", aspects.Select(Aspect));

    public static string Place(FrameworkPlace? place) => place is null ? "nowhere" : $"{place.CategorySlug}/{place.SubcategorySlug}";

    private static string ShortSha(string? sha) => sha is null ? "(unknown)" : sha[..Math.Min(7, sha.Length)];
}
