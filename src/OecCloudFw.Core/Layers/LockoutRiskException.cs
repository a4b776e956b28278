namespace OecCloudFw.Core.Layers;

/// <summary>
/// A change was refused before anything changed because it would cut the operator's own SSH access (exit 4). The
/// message names the address and the flag that fixes it.
/// </summary>
public sealed class LockoutRiskException : Exception
{
    public LockoutRiskException(string message)
        : base(message)
    {
    }

    public LockoutRiskException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LockoutRiskException()
    {
    }
}
