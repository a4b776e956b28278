namespace OecCloudFw.Core.Rules;

/// <summary>Who made a rule. The tool only ever removes rules of origin <see cref="Tool"/>.</summary>
public enum RuleOrigin
{
    /// <summary>Created by someone else; never removed by the tool.</summary>
    Foreign,

    /// <summary>Created by oec-cloudfw and marked as such (tag, name prefix or comment).</summary>
    Tool,

    /// <summary>A provider default (e.g. an NSG default rule or a chain policy).</summary>
    Default,
}
