using System.ComponentModel.DataAnnotations;
using Appliance.Host.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>First start: whoever opens the portal first creates the administrator. Gone once a user exists.</summary>
public sealed class SetupModel(UserStore users) : PageModel
{
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
        var error = users.CreateFirstAdmin(name, password);
        if (error is not null)
        {
            Error = error;
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthEndpoints.Principal(name, "admin"));
        TempData["Message"] = $"Administrator {name} created. Keep the password safe: there is no default password and no recovery without it.";
        return Redirect("/");
    }
}
