using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Pages;

/// <summary>The signed-in user's API tokens (create, list with last use and expiry, revoke) and portal sessions (end).</summary>
public sealed class AccountModel(TokenStore tokens, SessionStore sessions, IOptions<ApplianceOptions> options) : PageModel
{
    public IReadOnlyList<TokenView> Tokens { get; private set; } = [];

    public IReadOnlyList<SessionView> Sessions { get; private set; } = [];

    public string? CurrentSession => User.FindFirstValue(SessionStore.ClaimType);

    /// <summary>A token just created: shown once on this answer, never again.</summary>
    public string? NewToken { get; private set; }

    [BindProperty]
    [Display(Name = "Label")]
    public string? Label { get; set; }

    [BindProperty]
    [Display(Name = "Valid for (days)")]
    public double? Days { get; set; } = 90;

    public string? Error { get; private set; }

    public void OnGet() => Load();

    public IActionResult OnPostCreate()
    {
        if (AuthEndpoints.TokenLifetime(Days, options.Value.Auth) is not { } lifetime)
            Error = $"Valid for: between 0.01 and {options.Value.Auth.MaxTokenDays} days.";
        else
            NewToken = tokens.Create(User.Identity!.Name!, Label ?? "portal", lifetime).Token;
        Load();
        return Page();
    }

    public IActionResult OnPostRevoke(string id)
    {
        TempData["Message"] = tokens.Revoke(id, User.Identity!.Name) ? "Token revoked." : "That token does not exist or is already revoked.";
        return RedirectToPage();
    }

    public IActionResult OnPostEndSession(string id)
    {
        TempData["Message"] = sessions.End(id, "revoked", User.Identity!.Name) ? "Session ended." : "That session has already ended.";
        return RedirectToPage();
    }

    private void Load()
    {
        Tokens = tokens.List(User.Identity!.Name);
        Sessions = sessions.List(User.Identity!.Name);
    }
}
