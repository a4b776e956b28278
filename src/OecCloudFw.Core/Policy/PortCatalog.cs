using OecCloudFw.Core.Audit;

namespace OecCloudFw.Core.Policy;

/// <summary>The ports of the "Firewall &amp; Ports" guide: the required ones and the optional ones, with their purposes.</summary>
public static class PortCatalog
{
    public const int Ssh = 22;
    public const int Http = 80;
    public const int Https = 443;
    public const int PostgreSql = 5432;

    public static IReadOnlyList<CatalogPort> All { get; } =
    [
        new(22, "SSH", "SSH access for OEC.sh management", string.Empty, true, "OEC.sh management", "SSH", Severity.Warning),
        new(80, "HTTP", "HTTP traffic (redirects to HTTPS)", string.Empty, true, "Web traffic", "HTTP", null),
        new(443, "HTTPS", "HTTPS traffic (main Odoo access)", string.Empty, true, "Secure web traffic", "HTTPS", null),
        new(8069, "Odoo HTTP", "Direct Odoo HTTP", "Debugging, bypassing proxy", false, "Direct Odoo HTTP", "Odoo HTTP", Severity.Warning),
        new(8072, "Odoo longpolling", "Odoo longpolling", "Real-time features (discuss, chat)", false, "Odoo longpolling", "Odoo longpolling", Severity.Info),
        new(5432, "PostgreSQL", "PostgreSQL", "External database access, BI tools", false, "PostgreSQL", "PostgreSQL", Severity.Critical),
        new(19999, "Netdata", "Netdata", "Direct access to monitoring dashboard", false, "Netdata", "Netdata", Severity.Warning),
        new(6432, "PgBouncer (primary)", "PgBouncer (primary)", "Connection pooling access", false, "PgBouncer (primary)", "PgBouncer", Severity.Warning),
        new(6433, "PgBouncer (replica)", "PgBouncer (replica)", "Read replica access (Odoo 18+)", false, "PgBouncer (replica)", "PgBouncer replica", Severity.Warning),
    ];

    public static IEnumerable<CatalogPort> Required => All.Where(p => p.Required);

    public static IEnumerable<CatalogPort> Optional => All.Where(p => !p.Required);

    public static CatalogPort? Find(int port) => All.FirstOrDefault(p => p.Port == port);

    /// <summary>The catalog entries whose port lies in <paramref name="from"/>-<paramref name="to"/>.</summary>
    public static IEnumerable<CatalogPort> Within(int from, int to) => All.Where(p => p.Port >= from && p.Port <= to);
}
