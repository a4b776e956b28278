// The fake's own mutable state for one firewall (see DigitalOceanFake for the sources it follows).
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Fake;

internal sealed class FakeFirewall
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public List<DoRule> Inbound { get; set; } = [];
    public List<DoRule> Outbound { get; set; } = [];
    public List<long> DropletIds { get; set; } = [];
    public List<string> Tags { get; set; } = [];

    /// <summary>"waiting" reads left before the last change settles; 0 = settled.</summary>
    public int WaitingReads { get; set; }
    public bool SettlesFailed { get; set; }
    public bool Failed { get; set; }
    public List<(long DropletId, bool Removing)> Pending { get; set; } = [];

    public string Status => WaitingReads > 0 ? "waiting" : Failed ? "failed" : "succeeded";

    public DoFirewall ToRecord() => new(Id, Name, [.. Inbound], [.. Outbound], [.. DropletIds], [.. Tags]);
}
