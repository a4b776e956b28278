namespace OecCloudFw.Core.Rules.Chains;

/// <summary>Whether a match holds for a packet: yes, no, or unknown to the tool.</summary>
public enum Ternary
{
    False,
    True,
    Unknown,
}
