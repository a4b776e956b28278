using YamlDotNet.Serialization;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// The policy file's types for YamlDotNet, generated at compile time (no reflection: trimmable, ready for
/// ahead-of-time compilation).
/// </summary>
[YamlStaticContext]
[YamlSerializable(typeof(PolicyFile))]
[YamlSerializable(typeof(PolicyFile.SshSection))]
[YamlSerializable(typeof(PolicyFile.PortSection))]
public sealed partial class PolicyYamlContext : StaticContext;
