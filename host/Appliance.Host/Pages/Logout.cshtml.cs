using Appliance.Host.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>Ends the session on the server. Only by POST (with the antiforgery token), so a link elsewhere cannot log anyone out.</summary>
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await AuthSetup.SignOutPortalAsync(HttpContext, "logout");
        return RedirectToPage("/Login");
    }
}
