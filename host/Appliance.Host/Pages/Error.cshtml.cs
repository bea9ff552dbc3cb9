using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>
/// The portal's page for an error status without a body of its own (an unknown address, a failed page): re-executed
/// by <see cref="Portal.PortalErrorPages"/> so it keeps the layout, the original status and the address asked for.
/// </summary>
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Error";

    public string Explanation { get; private set; } = "";

    public void OnGet(int code)
    {
        var asked = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath ?? Request.Path.Value ?? "";
        (Title, Explanation) = code switch
        {
            404 => ("Page not found", $"There is no page at {asked}. It may have moved, or the plugin that provided it is not running."),
            405 => ("Not allowed here", $"{asked} does not accept this kind of request."),
            >= 500 => ("Something went wrong", $"The appliance could not show {asked}; the error is in the appliance's log (System > Services > Journal)."),
            _ => ($"Error {code}", $"The appliance could not answer {asked} (status {code})."),
        };
        Response.StatusCode = code is >= 400 and < 600 ? code : StatusCodes.Status404NotFound;
    }
}
