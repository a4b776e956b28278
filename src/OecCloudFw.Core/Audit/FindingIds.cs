namespace OecCloudFw.Core.Audit;

/// <summary>The stable ids of findings. They never change meaning once released.</summary>
public static class FindingIds
{
    /// <summary>SSH admitted from 0.0.0.0/0 or ::/0: restrict it to the management sources.</summary>
    public const string SshOpenToInternet = "OECFW-SSH-INTERNET";

    /// <summary>An optional catalog port (database, pooler, monitoring, direct Odoo) admitted from the internet.</summary>
    public const string PortOpenToInternet = "OECFW-PORT-INTERNET";

    /// <summary>Every port (protocol all or port range 1-65535) admitted from the internet.</summary>
    public const string AllPortsOpenToInternet = "OECFW-ALL-INTERNET";
}
