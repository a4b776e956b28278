namespace OecCloudFw.Core;

/// <summary>
/// The operator stopped the run (Ctrl+C, SIGTERM) at a point where something is in flight on a layer; the message
/// says what happens to it (e.g. the armed rollback restores the previous rules in N seconds unless confirmed).
/// </summary>
public sealed class OperationInterruptedException : OperationCanceledException
{
    public OperationInterruptedException(string message, CancellationToken token)
        : base(message, token)
    {
    }

    public OperationInterruptedException(string message, Exception innerException, CancellationToken token)
        : base(message, innerException, token)
    {
    }

    public OperationInterruptedException()
    {
    }

    public OperationInterruptedException(string message)
        : base(message)
    {
    }

    public OperationInterruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
