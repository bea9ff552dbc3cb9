namespace Appliance.Tools.Appliancectl.Http;

/// <summary>The appliance refused a call, or could not be reached. The message is shown to the operator as is.</summary>
public sealed class ApiException(string message, int? status = null, string? detail = null) : Exception(message)
{
    /// <summary>The HTTP status the appliance answered with, if it answered.</summary>
    public int? Status { get; } = status;

    /// <summary>The problem document's detail sentence, if the appliance sent one.</summary>
    public string? Detail { get; } = detail;
}
