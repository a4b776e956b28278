namespace OecCloudFw.Server.Backends;

/// <summary>What configure does with the ports Docker publishes (which bypass INPUT through DOCKER-USER).</summary>
public enum DockerMode
{
    /// <summary>They follow the policy: DOCKER-USER admits new connections only to the policy's ports from their sources.</summary>
    Policy,

    /// <summary>DOCKER-USER is left as it is (<c>--docker leave</c>).</summary>
    Leave,
}
