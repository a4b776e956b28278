using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Audit;

/// <summary>
/// The defense-in-depth audit, port by port, from each layer's verdicts, the host facts and the live probes (pure).
/// Every finding names the evidence that decided it and the fix for each layer.
/// </summary>
public static class AuditEngine
{
    /// <param name="server">The server's name for the report.</param>
    /// <param name="ports">The ports to assess.</param>
    /// <param name="cloud">The cloud layer, if one was given.</param>
    /// <param name="serverLayer">The server's firewall.</param>
    /// <param name="host">Host facts.</param>
    /// <param name="probes">Live TCP probes from the runner, by port.</param>
    /// <param name="fixes">Fix commands for a port, per layer and kind of change (<see cref="FixKind"/>), from the layer's owner.</param>
    /// <param name="vantage">Where the probes came from.</param>
    /// <param name="vantageSource">The address the server sees the probes come from (the SSH client's), for the self-check.</param>
    public static AuditReport Run(
        string server,
        IReadOnlyList<AuditPort> ports,
        ILayerView? cloud,
        ILayerView serverLayer,
        HostFacts host,
        IReadOnlyDictionary<int, Reachability> probes,
        Func<FixKind, int, IReadOnlyList<Cidr>, IReadOnlyList<Fix>> fixes,
        string vantage,
        Cidr? vantageSource = null,
        IReadOnlyList<EgressNeed>? egress = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(serverLayer);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(fixes);
        var rows = new List<PortAssessment>();
        var findings = new List<Finding>();
        foreach (var port in ports)
        {
            var sources = port.Sources.Count > 0 ? port.Sources.Where(s => s.Family == IpFamily.IPv4).DefaultIfEmpty(port.Sources[0]).ToList() : [Cidr.AnyIPv4];
            var probeSource = sources[0];
            var row = new PortAssessment(
                port,
                cloud?.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv4),
                cloud?.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv6),
                cloud?.Evaluate(Protocol.Tcp, port.Port, probeSource),
                serverLayer.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv4),
                serverLayer.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv6),
                serverLayer.Evaluate(Protocol.Tcp, port.Port, probeSource),
                host.ListeningPublic.Contains(port.Port),
                probes.GetValueOrDefault(port.Port, Reachability.NotProbed))
            {
                ServerFromVantage = vantageSource is null ? null : serverLayer.Evaluate(Protocol.Tcp, port.Port, vantageSource),
            };
            rows.Add(row);
            findings.AddRange(Indeterminate(server, cloud, serverLayer, row));
            findings.AddRange(SelfCheck(cloud, serverLayer, row, vantageSource));
            findings.AddRange(PortFindings(server, cloud, serverLayer, row, host, fixes));
        }

        findings.AddRange(HostFindings(server, rows, cloud, serverLayer, host, fixes));
        var egressRows = new List<EgressAssessment>();
        foreach (var need in egress ?? [])
        {
            var row = new EgressAssessment(need, cloud?.EvaluateEgress(Protocol.Tcp, need.Port, need.Destination), serverLayer.EvaluateEgress(Protocol.Tcp, need.Port, need.Destination));
            egressRows.Add(row);
            findings.AddRange(EgressFindings(server, cloud, serverLayer, row, fixes));
        }

        return new AuditReport(server, cloud?.Name, serverLayer.Name, vantage, rows,
            findings.Select(f => f with { Subject = f.Subject with { Server = server } }).OrderByDescending(f => f.Severity).ThenBy(f => f.Id, StringComparer.Ordinal).ToList())
        {
            Egress = egressRows,
            CloudAssumptions = cloud?.Assumptions ?? [],
        };
    }

    /// <summary>An outbound need a layer certainly blocks; one it cannot decide is said too.</summary>
    private static IEnumerable<Finding> EgressFindings(string server, ILayerView? cloud, ILayerView serverLayer, EgressAssessment row, Func<FixKind, int, IReadOnlyList<Cidr>, IReadOnlyList<Fix>> fixes)
    {
        var need = row.Need;
        var what = $"outbound TCP {need.Port} to {(need.Destination.IsInternet ? "the internet" : need.Destination.ToString())} ({need.Purpose})";
        foreach (var (layer, verdict, kind) in new (ILayerView? Layer, LayerVerdict? Verdict, FixKind Kind)[] { (cloud, row.Cloud, FixKind.CloudEgress), (serverLayer, row.Server, FixKind.ServerEgress) })
        {
            if (layer is null || verdict is null)
            {
                continue;
            }

            if (verdict.Refused)
            {
                yield return new Finding(FindingIds.EgressBlocked, need.Critical ? Severity.Critical : Severity.Warning,
                    $"{what} is blocked by {layer.Name} on {server}{(need.Critical ? ": deployments and the OEC.sh agent fail" : string.Empty)}",
                    verdict.Evidence, fixes(kind, need.Port, [need.Destination])) { Subject = Outbound(need, layer == cloud ? "cloud" : "server", layer.Name) };
            }
            else if (verdict.Indeterminate)
            {
                yield return new Finding(FindingIds.Indeterminate, Severity.Info,
                    $"whether {layer.Name} lets {what} out on {server} cannot be decided", verdict.Evidence, []) { Subject = Outbound(need, layer == cloud ? "cloud" : "server", layer.Name) };
            }
        }
    }

    private static IEnumerable<Finding> PortFindings(string server, ILayerView? cloud, ILayerView serverLayer, PortAssessment row, HostFacts host, Func<FixKind, int, IReadOnlyList<Cidr>, IReadOnlyList<Fix>> fixes)
    {
        var port = row.Port;
        var label = $"{port.Name} ({port.Port})";
        if (port.Wanted)
        {
            // Required (or wanted) ports must get through every layer from the sources the policy names.
            if (cloud is not null && row.CloudFromSources is { Refused: true, ThroughPeer: { } peer } through)
            {
                // Not admitted directly, but from another tier's members (a load balancer, a bastion): reaching the port
                // through it is how such setups work, and opening it to the world is not the fix.
                yield return new Finding(FindingIds.ThroughPeer, Severity.Info,
                    $"{label} is not admitted from {string.Join(", ", port.Sources)} directly by {cloud.Name}: only members of {peer} reach it (a load balancer or a bastion); if clients come through them, this is intended",
                    through.Evidence, []) { Subject = FindingSubject.Tcp(port.Port, "cloud", cloud.Name) with { Peer = "sources" } };
            }
            else if (cloud is not null && row.CloudFromSources is { Refused: true } c)
            {
                yield return Blocked(port, label, "cloud", cloud.Name, c.Evidence, fixes(FixKind.CloudOpen, port.Port, port.Sources));
            }

            if (row.ServerFromSources.Refused)
            {
                yield return Blocked(port, label, "server", serverLayer.Name, row.ServerFromSources.Evidence, fixes(FixKind.ServerOpen, port.Port, port.Sources));
            }

            // Per family: a port restricted in one layer and open to the whole internet in the other.
            var restricted = port.Sources.All(s => !s.IsInternet);
            foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 })
            {
                var (cloudVerdict, serverVerdict) = row.FromInternet(family);
                if (restricted && cloud is not null && cloudVerdict is { Indeterminate: false } ci && !serverVerdict.Indeterminate &&
                    ci.Admitted != serverVerdict.Admitted && serverLayer.Filters)
                {
                    var open = ci.Admitted ? cloud.Name : serverLayer.Name;
                    var closed = ci.Admitted ? serverLayer.Name : cloud.Name;
                    yield return new Finding(FindingIds.SingleLayer, Severity.Warning,
                        $"{label} is restricted to {string.Join(", ", port.Sources)} in {closed} only; {open} admits the whole internet over {family}: a single layer of defense",
                        ci.Admitted ? ci.Evidence : serverVerdict.Evidence, fixes(ci.Admitted ? FixKind.CloudOpen : FixKind.ServerOpen, port.Port, port.Sources))
                    {
                        Subject = FindingSubject.Tcp(port.Port, ci.Admitted ? "cloud" : "server", open) with { Peer = family.ToString() },
                    };
                }
            }

            if (row.ServerFromSources.Admitted && (row.CloudFromSources?.Admitted ?? true) && !row.Listening)
            {
                yield return new Finding(FindingIds.NotListening, port.IsSsh ? Severity.Critical : Severity.Warning,
                    $"{label} is admitted but nothing listens on it on {server}: connections are refused ({(port.IsSsh ? "is sshd running? sudo systemctl status sshd" : port.Port is 80 or 443 ? "no web server: is Traefik running? docker ps | grep traefik" : "start the service")})",
                    $"ss -Htlnp shows no listener on port {port.Port}{(row.Probe == Reachability.Closed ? "; the probe was refused" : string.Empty)}", [])
                {
                    Subject = FindingSubject.Tcp(port.Port, "host", "listener"),
                };
            }
        }

        if (row.OpenToInternet && PortCatalog.Find(port.Port) is { InternetExposure: { } severity } entry)
        {
            var openFamily = row.OpenToInternetV4 ? IpFamily.IPv4 : IpFamily.IPv6;
            var (cloudOpen, serverOpen) = row.FromInternet(openFamily);
            var evidence = (cloudOpen is { } cv ? $"{cv.Evidence}; {serverOpen.Evidence}" : serverOpen.Evidence) +
                           (row.OpenToInternetV4 && row.OpenToInternetV6 ? " (IPv4 and IPv6)" : $" ({openFamily} only)");
            // Only what was read is claimed: without a cloud layer, the server's firewall is all the audit saw.
            var through = cloud is null ? $"by {serverLayer.Name} (cloud layer not examined)" : "through every layer";
            var exposed = cloud is null ? FindingSubject.Tcp(port.Port, "server", serverLayer.Name) : FindingSubject.Tcp(port.Port, "both", null);
            if (port.IsSsh || entry.Port == PortCatalog.Ssh)
            {
                yield return new Finding(FindingIds.SshOpenToInternet, Severity.Warning,
                    $"SSH ({port.Port}) is open to the whole internet {through}: restrict it to the management IPs", evidence,
                    [.. fixes(FixKind.CloudRestrict, port.Port, port.Sources), .. fixes(FixKind.ServerRestrict, port.Port, port.Sources)]) { Subject = exposed };
            }
            else if (entry.Port != PortCatalog.Http && entry.Port != PortCatalog.Https && !row.Listening && row.Probe is Reachability.Closed or Reachability.Filtered)
            {
                // The firewalls read admit it, but nothing listens and the probe did not connect: nothing is exposed
                // today; a service started on the port would be. Said as seen, and not critical.
                var probe = $"the probe found it {row.Probe.ToString().ToLowerInvariant()}";
                yield return new Finding(FindingIds.PortOpenToInternet, Severity.Warning,
                    $"{entry.Name} ({port.Port}) is admitted from the internet {through}, but nothing listens on it ({probe}): nothing is exposed now; a service started on it would be: close the port or restrict it to specific IPs",
                    $"{evidence}; ss -Htln shows no listener on port {port.Port}; {probe}", [.. fixes(FixKind.CloudClose, port.Port, []), .. fixes(FixKind.ServerClose, port.Port, [])]) { Subject = exposed };
            }
            else if (entry.Port != PortCatalog.Http && entry.Port != PortCatalog.Https)
            {
                yield return new Finding(FindingIds.PortOpenToInternet, severity,
                    $"{entry.Name} ({port.Port}) is open to the internet {through}" +
                    (row.Listening ? string.Empty : ", though nothing listens on it now (not probed)") +
                    (entry.Port != PortCatalog.PostgreSql ? ": restrict it to specific IPs"
                        : row.Listening ? ": your database is exposed; restrict it or use an SSH tunnel"
                        : ": a database started on it would be exposed; restrict it or use an SSH tunnel"),
                    evidence, [.. fixes(FixKind.CloudClose, port.Port, []), .. fixes(FixKind.ServerClose, port.Port, [])]) { Subject = exposed };
            }
        }

        // Not reachable from the internet (no public address), but the filters would admit it: said, at a lower severity.
        if (cloud is not null && !row.OpenToInternet && PortCatalog.Find(port.Port) is { } catalogued && (catalogued.InternetExposure is not null || port.IsSsh || catalogued.Port == PortCatalog.Ssh))
        {
            foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 })
            {
                var (cloudVerdict, serverVerdict) = row.FromInternet(family);
                if (cloudVerdict is { Refused: true, Latent: { Admitted: true } latent } && !serverVerdict.Refused && !port.Sources.Any(s => s.IsInternet && s.Family == family))
                {
                    yield return new Finding(FindingIds.LatentExposure, catalogued.InternetExposure == Severity.Critical ? Severity.Warning : Severity.Info,
                        $"{label} is not reachable from the internet over {family} now ({cloudVerdict.Evidence}), but {cloud.Name} would admit it from the whole internet were the instance given a public {family} address: latent exposure, restrict it",
                        $"{latent.Evidence}; {serverVerdict.Evidence}", [.. fixes(FixKind.CloudClose, port.Port, [])]) { Subject = FindingSubject.Tcp(port.Port, "cloud", cloud.Name) with { Peer = family.ToString() } };
                    break;
                }
            }
        }

        foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 })
        {
            var (cloudVerdict, serverVerdict) = row.FromInternet(family);
            if (!port.Wanted && cloud is not null && cloudVerdict is { Indeterminate: false } && !serverVerdict.Indeterminate &&
                cloudVerdict.Admitted != serverVerdict.Admitted)
            {
                var open = cloudVerdict.Admitted ? cloud.Name : serverLayer.Name;
                var closed = cloudVerdict.Admitted ? serverLayer.Name : cloud.Name;
                yield return new Finding(FindingIds.SingleLayer, Severity.Info,
                    $"{label} is kept closed by {closed} only; {open} admits it from the internet over {family}: a single layer of defense",
                    cloudVerdict.Admitted ? cloudVerdict.Evidence : serverVerdict.Evidence,
                    fixes(cloudVerdict.Admitted ? FixKind.CloudClose : FixKind.ServerClose, port.Port, []))
                {
                    Subject = FindingSubject.Tcp(port.Port, cloudVerdict.Admitted ? "cloud" : "server", open) with { Peer = family.ToString() },
                };
            }
        }

        if (serverLayer.Filters && !row.ServerFromInternetV4.Indeterminate && !row.ServerFromInternetV6.Indeterminate &&
            row.ServerFromInternetV4.Admitted != row.ServerFromInternetV6.Admitted && (port.Wanted && port.Sources.Any(s => s.IsInternet) || !port.Wanted))
        {
            var (open, closed) = row.ServerFromInternetV4.Admitted ? ("IPv4", "IPv6") : ("IPv6", "IPv4");
            yield return new Finding(FindingIds.FamilyMismatch, port.Wanted ? Severity.Warning : Severity.Critical,
                $"{label} is admitted on {open} but refused on {closed} by {serverLayer.Name}",
                $"IPv4: {row.ServerFromInternetV4.Evidence}; IPv6: {row.ServerFromInternetV6.Evidence}", fixes(port.Wanted ? FixKind.ServerOpen : FixKind.ServerClose, port.Port, port.Sources))
            {
                Subject = FindingSubject.Tcp(port.Port, "server", serverLayer.Name),
            };
        }

        // The packets to a published port are DNAT-ed and forwarded: INPUT never sees them. The bypass is a port the INPUT
        // path (UFW) refuses while the forward path admits it.
        foreach (var (published, _, _, evidence) in host.DockerPublished.Where(d => d.Port == port.Port && d.ExposedByForwardPath && !d.InputAdmits))
        {
            yield return new Finding(FindingIds.DockerBypass, published == PortCatalog.PostgreSql ? Severity.Critical : Severity.Warning,
                host.DockerNftables
                    ? $"{label} is published by Docker and reachable from the internet although {serverLayer.Name} refuses it: Docker's DNAT (its nftables docker-bridges table) bypasses the INPUT chain, and nothing on the forward path refuses it"
                    : $"{label} is published by Docker and reachable from the internet although {serverLayer.Name} refuses it: Docker's DNAT bypasses the INPUT chain, and DOCKER-USER does not filter it",
                evidence,
                [.. fixes(FixKind.ServerDocker, published, []), .. fixes(FixKind.CloudClose, published, [])])
            {
                Subject = FindingSubject.Tcp(published, "server", "docker"),
            };
        }
    }

    /// <summary>A verdict the tool could not decide is said, with the rule that made it so: never a silent allow or deny.</summary>
    private static IEnumerable<Finding> Indeterminate(string server, ILayerView? cloud, ILayerView serverLayer, PortAssessment row)
    {
        var label = $"{row.Port.Name} ({row.Port.Port})";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (layer, what, verdict) in new (ILayerView? Layer, string What, LayerVerdict? Verdict)[]
                 {
                     (cloud, "from the internet over IPv4", row.CloudFromInternetV4), (cloud, "from the internet over IPv6", row.CloudFromInternetV6),
                     (cloud, "from the policy's sources", row.CloudFromSources),
                     (serverLayer, "from the internet over IPv4", row.ServerFromInternetV4), (serverLayer, "from the internet over IPv6", row.ServerFromInternetV6),
                     (serverLayer, "from the policy's sources", row.ServerFromSources),
                 })
        {
            if (layer is null || verdict is not { Indeterminate: true } || !seen.Add(verdict.Evidence))
            {
                continue;
            }

            yield return new Finding(FindingIds.Indeterminate, row.Port.IsSsh || row.Port.Required ? Severity.Warning : Severity.Info,
                $"whether {layer.Name} admits {label} {what} on {server} cannot be decided: a rule on the packet's path has a match the tool does not model",
                verdict.Evidence, [])
            {
                Subject = FindingSubject.Tcp(row.Port.Port, layer == cloud ? "cloud" : "server", layer.Name) with { Peer = what },
            };
        }
    }

    /// <summary>
    /// The model checked against the network: for the probe's own address, a port the model admits (with a listener)
    /// must connect, and one it refuses must not.
    /// </summary>
    private static IEnumerable<Finding> SelfCheck(ILayerView? cloud, ILayerView serverLayer, PortAssessment row, Cidr? vantageSource)
    {
        if (vantageSource is null || row.ServerFromVantage is not { Indeterminate: false } model || row.Probe == Reachability.NotProbed)
        {
            yield break;
        }

        var cloudVerdict = cloud?.Evaluate(Protocol.Tcp, row.Port.Port, vantageSource);
        if (cloudVerdict is { Admitted: false })
        {
            yield break;
        }

        var label = $"{row.Port.Name} ({row.Port.Port})";
        if (model.Admitted && row.Listening && row.Probe == Reachability.Filtered)
        {
            yield return new Finding(FindingIds.ModelProbeMismatch, Severity.Warning,
                $"{serverLayer.Name} admits {label} from {vantageSource} by the model, but the probe from there got no answer: the model and the network disagree",
                $"model: {model.Evidence}; probe: filtered", []) { Subject = FindingSubject.Tcp(row.Port.Port, "server", serverLayer.Name) with { Peer = vantageSource.ToString() } };
        }
        else if (model.Refused && row.Probe == Reachability.Open)
        {
            yield return new Finding(FindingIds.ModelProbeMismatch, Severity.Warning,
                $"{serverLayer.Name} refuses {label} from {vantageSource} by the model, but the probe from there connected: the model and the network disagree",
                $"model: {model.Evidence}; probe: open", []) { Subject = FindingSubject.Tcp(row.Port.Port, "server", serverLayer.Name) with { Peer = vantageSource.ToString() } };
        }
    }

    private static FindingSubject Outbound(EgressNeed need, string layer, string resource) =>
        FindingSubject.Tcp(need.Port, layer, resource) with { Peer = $"outbound {need.Destination}" };

    private static Finding Blocked(AuditPort port, string label, string kind, string layer, string evidence, IReadOnlyList<Fix> fixes) =>
        new(FindingIds.RequiredBlocked, port.IsSsh ? Severity.Critical : port.Required ? Severity.Critical : Severity.Warning,
            port.IsSsh
                ? $"{label} is blocked by {layer}: OEC.sh cannot manage the server (deployments, backups and monitoring fail)"
                : $"{label} is blocked by {layer}",
            evidence, fixes) { Subject = FindingSubject.Tcp(port.Port, kind, layer) with { Peer = "sources" } };

    private static IEnumerable<Finding> HostFindings(string server, List<PortAssessment> rows, ILayerView? cloud, ILayerView serverLayer, HostFacts host, Func<FixKind, int, IReadOnlyList<Cidr>, IReadOnlyList<Fix>> fixes)
    {
        if (!serverLayer.Filters)
        {
            yield return new Finding(FindingIds.NoFirewall, Severity.Warning,
                cloud is null
                    ? $"no firewall is active on {server}, and the cloud layer was not examined (cloud layer not examined: give its flags to read it)"
                    : $"no firewall is active on {server}: {cloud.Name} is the only defense",
                "no UFW, firewalld, iptables or nftables rule filters input", fixes(FixKind.ServerOpen, PortCatalog.Ssh, [])) { Subject = FindingSubject.Host("firewall") };
        }

        foreach (var sshPort in host.SshPorts)
        {
            var row = rows.FirstOrDefault(r => r.Port.Port == sshPort);
            var admitted = row is not null && !row.ServerFromSources.Refused && row.CloudFromSources?.Refused != true;
            var other = rows.FirstOrDefault(r => r.Port.Port != sshPort && r.Port.Port == PortCatalog.Ssh && r.OpenToInternet);
            if (!admitted && other is not null)
            {
                yield return new Finding(FindingIds.SshPortMismatch, Severity.Critical,
                    $"sshd listens on {sshPort}, but only {other.Port.Port} is admitted: management connections to {sshPort} fail",
                    $"sshd -T: port {sshPort}; {row?.CloudFromSources?.Evidence ?? row?.ServerFromSources.Evidence ?? "not admitted"}",
                    [.. fixes(FixKind.CloudOpen, sshPort, []), .. fixes(FixKind.ServerOpen, sshPort, [])]) { Subject = FindingSubject.Host("sshd", sshPort) };
            }
        }

        if (string.Equals(host.PasswordAuthentication, "yes", StringComparison.OrdinalIgnoreCase))
        {
            yield return new Finding(FindingIds.PasswordAuthentication, Severity.Warning, "sshd accepts passwords: use SSH keys instead",
                "sshd -T: passwordauthentication yes", fixes(FixKind.ServerHarden, PortCatalog.Ssh, [])) { Subject = FindingSubject.Host("sshd") };
        }

        if (string.Equals(host.PermitRootLogin, "yes", StringComparison.OrdinalIgnoreCase))
        {
            yield return new Finding(FindingIds.RootLogin, Severity.Warning, "sshd lets root log in with a password: disable root login (or allow keys only)",
                "sshd -T: permitrootlogin yes", fixes(FixKind.ServerHarden, PortCatalog.Ssh, [])) { Subject = FindingSubject.Host("sshd") };
        }

        var uncovered = host.SshPorts.Where(p => host.Fail2BanPorts is null || !host.Fail2BanPorts.Contains(p)).ToList();
        if (uncovered.Count > 0)
        {
            yield return new Finding(FindingIds.NoFail2Ban, Severity.Info,
                host.Fail2BanPorts is null
                    ? "fail2ban is not installed: brute-force attempts on SSH are not blocked"
                    : host.Fail2BanPorts.Count == 0
                        ? "fail2ban is installed but no jail is running (is fail2ban-server running? systemctl status fail2ban): brute-force attempts on SSH are not blocked"
                        : $"no fail2ban jail covers the SSH port {string.Join(", ", uncovered)} actually in use",
                host.Fail2BanPorts is null ? "fail2ban-client not found" : $"jails cover ports {string.Join(", ", host.Fail2BanPorts)}",
                fixes(FixKind.ServerFail2Ban, PortCatalog.Ssh, [])) { Subject = FindingSubject.Host("fail2ban") };
        }
        else if (host.SshPorts.Count > 0 && host.Fail2BanFilterMisses is { } misses)
        {
            // A jail on the right port whose filter never matches sshd's lines bans nobody (OpenSSH 9.8+ logs as sshd-session).
            yield return new Finding(FindingIds.NoFail2Ban, Severity.Info,
                "fail2ban is installed but its filter matches none of this server's sshd failures: brute-force attempts on SSH are not blocked",
                misses,
                fixes(FixKind.ServerFail2BanFilter, PortCatalog.Ssh, [])) { Subject = FindingSubject.Host("fail2ban") };
        }

        if (host.CsfActive && host.DockerHost)
        {
            yield return new Finding(FindingIds.CsfOnDocker, Severity.Critical, "CSF/LFD is active on a Docker host: it interferes with Docker's iptables rules",
                "csf present and enabled; docker present",
                [.. fixes(FixKind.ServerOpen, PortCatalog.Ssh, []).Select(f => f with { Commands = [.. f.Commands.Select(c => $"{c} (runs csf -x and switches to UFW)")] })])
            {
                Subject = FindingSubject.Host("csf"),
            };
        }
    }
}
