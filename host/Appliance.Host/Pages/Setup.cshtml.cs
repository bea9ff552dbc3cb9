using System.ComponentModel.DataAnnotations;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Pages;

/// <summary>
/// First start: creates the administrator. Needs the one-time setup code shown on the appliance's console and
/// journal (it changes after each wrong attempt), unless the browser runs on the appliance itself. Gone once a user exists.
/// </summary>
[EnableRateLimiting(RequestLimits.AuthPolicy)]
public sealed class SetupModel(UserStore users, SetupCode code, IOptions<ApplianceOptions> options) : PageModel
{
    [BindProperty]
    [Display(Name = "Setup code")]
    public string? Code { get; set; }

    [BindProperty]
    [Display(Name = "User name")]
    public string? UserName { get; set; } = "admin";

    [BindProperty]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    [BindProperty]
    [DataType(DataType.Password)]
    [Display(Name = "Password again")]
    public string? Confirm { get; set; }

    public string? Error { get; private set; }

    public bool NeedsCode => AuthEndpoints.SetupNeedsCode(HttpContext, options.Value);

    public IActionResult OnGet() => users.HasUsers() ? RedirectToPage("/Login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (users.HasUsers()) return RedirectToPage("/Login");
        var name = (UserName ?? "").Trim();
        var password = Password ?? "";
        if (password != (Confirm ?? ""))
        {
            Error = "The two passwords differ.";
            return Page();
        }
        if (PasswordHasher.Weakness(name, password) is { } weak && UserStore.IsValidUserName(name))
        {
            Error = weak;
            return Page();
        }
        if (!AuthEndpoints.SetupAllowed(HttpContext, NeedsCode ? Code ?? "" : Code, code, options.Value))
        {
            Error = "Wrong setup code. A new code is now shown on the appliance's console and journal (journalctl -u appliance).";
            // The field is rendered from the posted value unless it leaves the model state too: never echo a code.
            ModelState.Remove(nameof(Code));
            Code = null;
            return Page();
        }
        var error = users.CreateFirstAdmin(name, password);
        if (error is not null)
        {
            Error = error;
            return Page();
        }
        code.Retire();
        await AuthSetup.SignInPortalAsync(HttpContext, name, Roles.Admin);
        TempData["Message"] = $"Administrator {name} created. Keep the password safe: there is no default password and no recovery without it.";
        return Redirect("/Welcome");
    }
}
