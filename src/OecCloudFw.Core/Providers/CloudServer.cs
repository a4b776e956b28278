namespace OecCloudFw.Core.Providers;

/// <summary>
/// One of a provider's servers as its API lists it (<see cref="ICloudProvider.ListServersAsync"/>): what a fleet made
/// from the cloud (<c>--inventory aws:tag:Role=web</c>) needs to reach it and to read its cloud layer.
/// </summary>
/// <param name="Name">What the fleet calls it (an instance id, a VM, server or droplet name): unique in the listing, what <c>--limit</c> and the shard hash use.</param>
/// <param name="PublicAddresses">Its public addresses, the one to reach it by first (IPv4 before IPv6); empty when it has none.</param>
/// <param name="PrivateAddresses">Its private (VPC, VNet, network) addresses, the primary first; empty when it has none.</param>
/// <param name="Layer">The provider's settings naming its cloud layer (setting name → value: <c>instance</c> → <c>i-0…</c>, <c>server</c> → <c>42</c>).</param>
/// <param name="Groups">Groups for <c>--limit</c>, as Ansible's cloud inventory plugins name them (<c>tag_Role_web</c>, <c>label_env_prod</c>).</param>
public sealed record CloudServer(
    string Name,
    IReadOnlyList<string> PublicAddresses,
    IReadOnlyList<string> PrivateAddresses,
    IReadOnlyDictionary<string, string> Layer,
    IReadOnlyList<string> Groups);
