namespace OecCloudFw.Testing.Aws;

/// <summary>A fault the fake EC2 endpoint injects into the next calls of an action.</summary>
public enum Ec2Fault
{
    /// <summary>503 RequestLimitExceeded, as EC2 throttles.</summary>
    Throttle,

    /// <summary>500 InternalError.</summary>
    ServerError,

    /// <summary>The call takes effect, but the response comes only after <see cref="FakeEc2.SlowDelay"/>.</summary>
    SlowResponse,

    /// <summary>403 UnauthorizedOperation for the calling identity.</summary>
    Unauthorized,
}
