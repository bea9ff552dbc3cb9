using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>Shown (with 403) when a signed-in user opens a page their role does not allow.</summary>
public sealed class ForbiddenModel : PageModel
{
    public string? Role { get; private set; }

    public void OnGet()
    {
        Role = User.FindFirstValue(ClaimTypes.Role);
        Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
