namespace OecCloudFw.Core;

/// <summary>Bad input from the operator: a malformed id, CIDR, port or policy. Raised before anything is changed.</summary>
public sealed class InvalidInputException : Exception
{
    public InvalidInputException(string message)
        : base(message)
    {
    }

    public InvalidInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidInputException()
    {
    }
}
