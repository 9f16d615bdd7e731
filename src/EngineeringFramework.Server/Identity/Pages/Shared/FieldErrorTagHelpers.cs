using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace EngineeringFramework.Server.Identity.Pages.Shared;

/// <summary>
/// A field's errors right under it, as the product's pages show them (<c>Ui/Shared/FieldError.razor</c>):
/// <c>&lt;field-error for="Input.Email" /&gt;</c> renders <c>&lt;p class="field-error" id="…-error"&gt;</c> with one line per
/// message, or nothing. Public only because tag helpers are found by scanning public types.
/// </summary>
[HtmlTargetElement("field-error", Attributes = "for", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldErrorTagHelper : TagHelper
{
    [HtmlAttributeName("for")]
    public ModelExpression For { get; set; } = default!;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var errors = FieldErrors.Of(ViewContext, For.Name);
        if (errors.Count == 0)
        {
            output.SuppressOutput();
            return;
        }

        output.TagName = "p";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("class", "field-error");
        output.Attributes.SetAttribute("id", FieldErrors.Id(ViewContext, For.Name));
        foreach (var message in errors)
        {
            output.Content.AppendHtml("<span>").Append(message).AppendHtml("</span>");
        }
    }
}

/// <summary>
/// Marks an <c>asp-for</c> input that has errors as invalid and points it at its <see cref="FieldErrorTagHelper"/> message
/// (<c>aria-invalid</c>, <c>aria-describedby</c>), so a screen reader reads the error with the field. Keeps any hint the
/// input already describes itself with.
/// </summary>
[HtmlTargetElement("input", Attributes = "asp-for")]
[HtmlTargetElement("select", Attributes = "asp-for")]
[HtmlTargetElement("textarea", Attributes = "asp-for")]
public sealed class InvalidFieldTagHelper : TagHelper
{
    [HtmlAttributeName("asp-for")]
    public ModelExpression For { get; set; } = default!;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (FieldErrors.Of(ViewContext, For.Name).Count == 0)
        {
            return;
        }

        var describedBy = FieldErrors.Id(ViewContext, For.Name);
        if (output.Attributes.TryGetAttribute("aria-describedby", out var existing) && existing.Value?.ToString() is { Length: > 0 } hint)
        {
            describedBy = hint + " " + describedBy;
        }

        output.Attributes.SetAttribute("aria-invalid", "true");
        output.Attributes.SetAttribute("aria-describedby", describedBy);
    }
}

internal static class FieldErrors
{
    public static IReadOnlyList<string> Of(ViewContext view, string expression)
    {
        var name = view.ViewData.TemplateInfo.GetFullHtmlFieldName(expression);
        return view.ViewData.ModelState.TryGetValue(name, out var entry)
            ? [.. entry.Errors.Select(e => e.ErrorMessage).Where(m => m.Length > 0)]
            : [];
    }

    public static string Id(ViewContext view, string expression)
        => TagBuilder.CreateSanitizedId(view.ViewData.TemplateInfo.GetFullHtmlFieldName(expression), "_") + "-error";
}
