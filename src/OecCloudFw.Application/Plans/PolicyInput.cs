using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// The policy plan and apply hold the layers to: the one given (flags, a file), unless <see cref="Remembered"/> finds
/// the one recorded on the server the operator meant instead (no policy given); and what the server records as applied.
/// </summary>
/// <param name="Policy">The policy given.</param>
/// <param name="Origin">What the server's applied-policy record says it came from; null records nothing.</param>
/// <param name="Remembered">The server's recorded policy and a note saying so, from its facts and its name, when it stands instead; null: the given one stands.</param>
public sealed record PolicyInput(FirewallPolicy Policy, string? Origin, Func<ServerFacts, string, (FirewallPolicy Policy, string Note)?>? Remembered = null);
