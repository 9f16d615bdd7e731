using EngineeringFramework.Core.Checklists;
using EngineeringFramework.Core.Organizations;
using EngineeringFramework.Core.UseCases;
using Microsoft.AspNetCore.Components;

namespace EngineeringFramework.Server.Ui;

/// <summary>What a page shows instead of its content when loading it failed.</summary>
public enum PageOutcome
{
    Ready,
    NotFound,
    Forbidden,
    SignedOut,
}

/// <summary>
/// The shape every page shares: resolve the signed-in user, keep a user without an organization in onboarding,
/// load through the use cases, and map their typed errors once: not found to a 404 page, forbidden to a
/// message (next to the field when the refusal names one), validation to field errors next to the inputs, and conflicts to a message that says what to do.
/// </summary>
public abstract class UiPage : ComponentBase
{
    /// <summary>Shown when a versioned item was saved by someone else since this page was read.</summary>
    public const string StaleMessage = "This item was changed by someone else; reload to see their change.";

    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    [Inject]
    internal UiSession Session { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    [Inject]
    protected OrganizationService Organizations { get; set; } = default!;

    [Inject]
    private EngineeringFramework.Core.MyWork.MyWorkService MyWork { get; set; } = default!;

    [Inject]
    private EngineeringFramework.Core.Frameworks.Versions.SystemFrameworkService SystemFramework { get; set; } = default!;

    protected UiUser? User { get; private set; }

    protected Caller Caller => User?.Caller ?? throw new InvalidOperationException("The page has no signed-in user.");

    /// <summary>The organization the page is in (from its route), once loaded.</summary>
    protected OrganizationSummary? Organization { get; set; }

    protected PageOutcome Outcome { get; private set; } = PageOutcome.Ready;

    protected string? OutcomeMessage { get; private set; }

    /// <summary>True once the page's data is loaded and may be rendered.</summary>
    protected bool Loaded { get; private set; }

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>Onboarding pages are the only ones a user without an organization may see.</summary>
    protected virtual bool RequiresOrganization => true;

    protected override async Task OnInitializedAsync()
    {
        User = await Session.ResolveAsync(HttpContext);
        if (User is null)
        {
            // An authenticated session with no usable subject: nothing to act as.
            SetOutcome(PageOutcome.SignedOut, StatusCodes.Status401Unauthorized, null);
            return;
        }

        if (RequiresOrganization && User.Organizations.Count == 0)
        {
            Navigation.NavigateTo("/onboarding");
            return;
        }

        if (await RunAsync(LoadAsync))
        {
            Loaded = true;
            await CountOverdueAsync();
            Session.SuperAdmin = await SystemFramework.IsSuperAdminAsync(Caller, Aborted);
        }
    }

    /// <summary>After the page's own reads (never alongside them: one database context serves the whole request).</summary>
    private async Task CountOverdueAsync()
    {
        if (Organization is null)
        {
            return;
        }

        try
        {
            Session.OverdueCount = (Organization.Id, await MyWork.CountOverdueAsync(Caller, Organization.Id, Aborted));
        }
        catch (NotFoundException)
        {
            // The organization was left or deleted during this request: the header simply shows no count.
        }
    }

    /// <summary>Reads what the page shows. Runs on every request, before a posted form's handler.</summary>
    protected abstract Task LoadAsync();

    protected async Task LoadOrganizationAsync(Guid organizationId)
        => Organization = await Organizations.GetAsync(Caller, organizationId, Aborted);

    /// <summary>Runs a read; a use-case error replaces the page's content with the matching message.</summary>
    protected async Task<bool> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (NotFoundException)
        {
            // The router renders the not-found page with a 404 (Blazor writes no body of its own for a 404).
            Outcome = PageOutcome.NotFound;
            Navigation.NotFound();
        }
        catch (ForbiddenException e)
        {
            SetOutcome(PageOutcome.Forbidden, StatusCodes.Status403Forbidden, e.Message);
        }
        catch (FieldForbiddenException e)
        {
            SetOutcome(PageOutcome.Forbidden, StatusCodes.Status403Forbidden, e.Message);
        }

        return false;
    }

    /// <summary>
    /// Runs a form's change; errors stay on the form (fields, message) and set the response status, so the
    /// page re-renders with what the user typed. <paramref name="versioned"/> marks a change guarded by a
    /// version, whose conflicts all mean "someone else saved first".
    /// </summary>
    protected async Task<bool> SubmitAsync(FormState form, Func<Task> change, bool versioned = false)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            await change();
            return true;
        }
        catch (FluentValidation.ValidationException e)
        {
            form.Fail(e.Errors.Select(f => (f.PropertyName, f.ErrorMessage)));
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (NotFoundException e)
        {
            // The page itself was readable (it loaded), so what vanished is what the form acted on: a conflict
            // with the current state. (A 404 would also lose the page: Blazor writes no body for one.)
            form.Fail(e.Message);
            HttpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        }
        catch (ForbiddenException e)
        {
            form.Fail(e.Message);
            HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        catch (FieldForbiddenException e)
        {
            // The message for the form as a whole, and next to the field when the page has an input for it.
            form.Fail(e.Message);
            form.Fail([(e.Field, e.Message)]);
            HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        catch (PreconditionFailedException)
        {
            form.Fail(StaleMessage);
            HttpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        }
        catch (ConflictException e)
        {
            form.Fail(versioned ? StaleMessage : e.Message);
            HttpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        }

        return false;
    }

    /// <summary>
    /// Saves an item's status form: a version or status the form does not offer is answered next to the status;
    /// otherwise <paramref name="save"/> runs with the update the form asks for (<see cref="StatusUpdateForm.TryRead"/>),
    /// as a versioned <see cref="SubmitAsync"/>.
    /// </summary>
    protected async Task<bool> SubmitStatusAsync(FormState form, StatusUpdateForm? posted, ChecklistItemView item, Func<UpdateChecklistItemRequest, Task> save)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(save);
        if (!StatusUpdateForm.TryRead(posted, item, out var request))
        {
            form.Fail([("Status", "Choose a status.")]);
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return false;
        }

        return await SubmitAsync(form, () => save(request), versioned: true);
    }

    private void SetOutcome(PageOutcome outcome, int status, string? message)
    {
        Outcome = outcome;
        OutcomeMessage = message;
        HttpContext.Response.StatusCode = status;
    }
}
