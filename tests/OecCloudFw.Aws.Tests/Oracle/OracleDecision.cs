namespace OecCloudFw.Aws.Tests.Oracle;

/// <summary>The answer for one NEW inbound packet from one source address.</summary>
public enum OracleDecision
{
    /// <summary>Admitted under every assignment of the unknowns (and for every client port).</summary>
    Admitted,

    /// <summary>Refused under every assignment of the unknowns.</summary>
    Refused,

    /// <summary>The answer depends on an unknown membership or on the client's source port.</summary>
    Indeterminate,
}
