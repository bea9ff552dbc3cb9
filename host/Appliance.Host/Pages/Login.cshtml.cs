using System.ComponentModel.DataAnnotations;
using Appliance.Host.Auth;
using Appliance.Host.Pages.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Pages;

/// <summary>Log in with a server-side session. Repeated failures delay further attempts from that source (see <see cref="LoginThrottle"/>).</summary>
[EnableRateLimiting(RequestLimits.AuthPolicy)]
public sealed class LoginModel(UserStore users, LoginService login, TimeProvider time) : PageModel
{
    [BindProperty]
    [Display(Name = "User name")]
    public string? UserName { get; set; }

    [BindProperty]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        if (!users.HasUsers()) return RedirectToPage("/Setup");
        if (User.Identity?.IsAuthenticated == true) return LocalRedirect(SafeReturnUrl());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!users.HasUsers()) return RedirectToPage("/Setup");
        var result = await login.VerifyAsync((UserName ?? "").Trim(), Password ?? "", HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                await AuthSetup.SignInPortalAsync(HttpContext, result.User!, result.Role!);
                return LocalRedirect(SafeReturnUrl());
            case LoginOutcome.LockedOut:
                var until = result.LockedUntil ?? time.GetUtcNow();
                var minutes = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalMinutes));
                Error = $"This account is locked after repeated failed logins until {PortalText.Time(until)} (about {minutes} min). Try again then.";
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, (until - time.GetUtcNow()).TotalSeconds))).ToString(global::System.Globalization.CultureInfo.InvariantCulture);
                break;
            default:
                Error = "Wrong user name or password.";
                break;
        }
        return Page();
    }

    private string SafeReturnUrl() => ReturnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) ? url : "/";
}
