namespace OecCloudFw.Core.Tests.Fakes;

/// <summary>What the fake layers were asked to do, in the order they were asked: one line per read or write.</summary>
internal sealed class CallLog
{
    private readonly List<string> _calls = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Only the calls that change something (reads left out), in order.</summary>
    public IReadOnlyList<string> Writes => [.. Calls.Where(c => !c.EndsWith(" read", StringComparison.Ordinal))];

    public void Add(string call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }
}
