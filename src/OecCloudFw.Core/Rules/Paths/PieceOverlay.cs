using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Core.Rules.Paths;

/// <summary>
/// Lays several evaluations of the same sources over each other (one per path, one per port a reply may go to) and
/// decides each part of the sources from the pieces that cover it there: set arithmetic, never a per-address loop.
/// </summary>
public static class PieceOverlay
{
    /// <summary>
    /// The parts of <paramref name="sources"/> on which every list has one piece, each decided by
    /// <paramref name="decide"/> from those pieces (in list order).
    /// </summary>
    public static IReadOnlyList<VerdictPiece> Combine(AddressSet sources, IReadOnlyList<IReadOnlyList<VerdictPiece>> lists, Func<IReadOnlyList<VerdictPiece>, VerdictPiece> decide)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(decide);
        var cells = new List<(AddressSet Region, List<VerdictPiece> Pieces)> { (sources, []) };
        foreach (var list in lists)
        {
            var next = new List<(AddressSet Region, List<VerdictPiece> Pieces)>();
            foreach (var (region, pieces) in cells)
            {
                foreach (var piece in Merge(list))
                {
                    var common = region.Intersect(piece.Region);
                    if (!common.IsEmpty)
                    {
                        next.Add((common, [.. pieces, piece]));
                    }
                }
            }

            cells = next;
        }

        return Merge(cells.Select(c => decide(c.Pieces) with { Region = c.Region }).ToList());
    }

    /// <summary>Pieces that say the same thing are one piece: keeps the overlay small.</summary>
    public static IReadOnlyList<VerdictPiece> Merge(IReadOnlyList<VerdictPiece> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        if (pieces.Count < 2)
        {
            return pieces.Where(p => !p.Region.IsEmpty).ToList();
        }

        var merged = new List<VerdictPiece>(pieces.Count);
        foreach (var piece in pieces.Where(p => !p.Region.IsEmpty))
        {
            var index = merged.FindIndex(m => m.Decision == piece.Decision && m.Evidence == piece.Evidence && m.Condition == piece.Condition);
            if (index < 0)
            {
                merged.Add(piece);
            }
            else
            {
                merged[index] = merged[index] with { Region = merged[index].Region.Union(piece.Region) };
            }
        }

        return merged;
    }
}
