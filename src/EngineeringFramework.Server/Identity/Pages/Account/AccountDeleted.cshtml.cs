namespace EngineeringFramework.Server.Identity.Pages.Account;

/// <summary>Where a deleted account's browser lands, signed out (both modes). Says only what happened; reveals nothing.</summary>
public sealed class AccountDeletedModel : AccountPageModel
{
    public void OnGet()
    {
    }
}
