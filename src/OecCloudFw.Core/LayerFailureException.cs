namespace OecCloudFw.Core;

/// <summary>
/// A cloud API or a server could not be read or changed: not found, not authorized, unreachable, a quota.
/// The message names the cause and the fix.
/// </summary>
public sealed class LayerFailureException : Exception
{
    public LayerFailureException(string message)
        : base(message)
    {
    }

    public LayerFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LayerFailureException()
    {
    }
}
