using System.ComponentModel;
using ModelContextProtocol.Server;

namespace EngineeringFramework.Server.Mcp;

[McpServerPromptType]
internal static class ReviewPrompts
{
    [McpServerPrompt(Name = "draft_item_document", Title = "Draft the document for a checklist item")]
    [Description("Drafts the document a checklist item asks for (a threat model, runbook, ADR...) from its definition and template, using what you know of the project's code.")]
    public static string DraftItemDocument(
        [Description("The organization's id.")] string organization_id,
        [Description("The project's id.")] string project_id,
        [Description("The checklist item's id.")] string item_id)
        => $"""
            Draft the document required by checklist item {item_id} of project {project_id} (organization {organization_id}).
            1. Call get_checklist_item to read the item's definition and its template reference.
            2. If it names a template, call get_template and follow its structure, replacing every double-brace placeholder with facts from this repository; mark anything you cannot verify as an open question.
            3. Check the draft against the definition's "Definition of done" list and say which conditions it meets.
            4. Show me the draft. Only after I approve it, record progress with update_checklist_item (status InProgress or Done, an evidence_link to where the document lives), passing the version you read.
            """;

    [McpServerPrompt(Name = "readiness_review", Title = "Readiness review of a project")]
    [Description("Reviews how ready a project is: progress per category, required items not done, and what to do next.")]
    public static string ReadinessReview(
        [Description("The organization's id.")] string organization_id,
        [Description("The project's id.")] string project_id)
        => $"""
            Review the readiness of project {project_id} (organization {organization_id}).
            1. Call get_project for overall and per-category progress, then get_checklist.
            2. List the required (non-optional) items that are not done or not applicable, grouped by category, most launch-critical first (security, deployment and release, observability and operations).
            3. For the three most important gaps, read them with get_checklist_item and propose a concrete next step for each.
            4. Do not change anything; this is a read-only review.
            """;
}
