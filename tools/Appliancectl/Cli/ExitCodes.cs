namespace Appliance.Tools.Appliancectl.Cli;

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The appliance refused, the call failed, or it could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;
}
