namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>The answer for one NEW inbound packet from one source address.</summary>
public enum OracleDecision
{
    Admitted,
    Refused,
    Indeterminate,
}
