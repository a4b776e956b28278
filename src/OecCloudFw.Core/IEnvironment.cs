namespace OecCloudFw.Core;

/// <summary>Reads environment variables (so that tests can give their own).</summary>
public interface IEnvironment
{
    string? Variable(string name);
}
