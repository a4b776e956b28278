namespace OecCloudFw.Core.Rules;

/// <summary>What a matching rule does with a packet.</summary>
public enum RuleAction
{
    Allow,
    Deny,
}
