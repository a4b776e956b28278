using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Core.Tests.Rules;

/// <summary>
/// A packet of an established connection, as the benchmark checks ask the engine about it: conntrack's state is
/// ESTABLISHED (not NEW), a source port may be known (a reply from a service), and the TCP flags a rule answers for a
/// first packet are not known for it.
/// </summary>
public sealed class EstablishedPacketTests
{
    private static readonly AddressSet Internet = AddressSet.Of(Cidr.AnyIPv4);

    private static ChainRuleSet Input(params ChainRule[] rules) =>
        new(new Dictionary<string, Chain>(StringComparer.Ordinal) { ["INPUT"] = new Chain("INPUT", ChainTarget.Drop, rules) }, ["INPUT"]);

    private static PacketContext Packet(bool established, int? sourcePort = null) =>
        PacketContext.For(Protocol.Tcp, 40000, IpFamily.IPv4) with { Established = established, SourcePort = sourcePort };

    [Fact]
    public void ConntrackState_EstablishedRule_AdmitsTheEstablishedPacket_NotTheNewOne()
    {
        var set = Input(new ChainRule { Matches = [new ConntrackStateMatch(["RELATED", "ESTABLISHED"], false)], Target = ChainTarget.Accept, Text = "-m state --state RELATED,ESTABLISHED -j ACCEPT" });

        Assert.Equal(Decision.Admitted, set.Evaluate(Packet(established: true), Internet).Decision);
        Assert.Equal(Decision.Refused, set.Evaluate(Packet(established: false), Internet).Decision);
    }

    [Fact]
    public void ConntrackState_NewOnlyRule_DoesNotAdmitTheEstablishedPacket()
    {
        var set = Input(new ChainRule { Matches = [new ConntrackStateMatch(["NEW"], false)], Target = ChainTarget.Accept, Text = "-m state --state NEW -j ACCEPT" });

        Assert.Equal(Decision.Refused, set.Evaluate(Packet(established: true), Internet).Decision);
        Assert.Equal(Decision.Admitted, set.Evaluate(Packet(established: false), Internet).Decision);
    }

    [Fact]
    public void SourcePort_Known_IsMatchedAsItself_ElseAsAnEphemeralPort()
    {
        var set = Input(new ChainRule { Matches = [new PortMatch([new PortRange(443, 443)], false, PortField.Source)], Target = ChainTarget.Accept, Text = "--sport 443 -j ACCEPT" });

        Assert.Equal(Decision.Admitted, set.Evaluate(Packet(established: true, sourcePort: 443), Internet).Decision);
        Assert.Equal(Decision.Refused, set.Evaluate(Packet(established: true, sourcePort: 80), Internet).Decision);
        Assert.Equal(Decision.Refused, set.Evaluate(Packet(established: true), Internet).Decision);
    }

    [Fact]
    public void TcpFlags_AnsweredForTheFirstPacket_AreUnknownForAnEstablishedOne()
    {
        var set = Input(new ChainRule { Matches = [new TcpFlagsMatch(onSyn: true, onAck: false)], Target = ChainTarget.Accept, Text = "--syn -j ACCEPT" });

        Assert.Equal(Decision.Admitted, set.Evaluate(Packet(established: false), Internet).Decision);
        Assert.Equal(Decision.Indeterminate, set.Evaluate(Packet(established: true), Internet).Decision);
    }
}
