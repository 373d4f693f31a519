using System.Security.Cryptography;

namespace Gatehouse.Sigstore.Rekor;

/// <summary>RFC 6962 / RFC 9162 (section 2.1.3.2) Merkle inclusion proof verification with SHA-256.</summary>
internal static class MerkleInclusionProof
{
    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var buffer = new byte[leaf.Length + 1];
        leaf.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    /// <summary>True when <paramref name="proof"/> links the leaf at <paramref name="index"/> to <paramref name="rootHash"/>.</summary>
    public static bool Verify(long index, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> rootHash)
    {
        if (index < 0 || treeSize <= 0 || index >= treeSize || leafHash.Length != 32)
        {
            return false;
        }

        var fn = index;
        var sn = treeSize - 1;
        Span<byte> node = stackalloc byte[32];
        Span<byte> pair = stackalloc byte[65];
        leafHash.CopyTo(node);
        pair[0] = 0x01;
        foreach (var sibling in proof)
        {
            if (sn == 0 || sibling.Length != 32)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                sibling.CopyTo(pair[1..]);
                node.CopyTo(pair[33..]);
                SHA256.HashData(pair, node);
                if ((fn & 1) == 0)
                {
                    // Right-most node of an incomplete subtree: climb until it becomes a right child.
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                node.CopyTo(pair[1..]);
                sibling.CopyTo(pair[33..]);
                SHA256.HashData(pair, node);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(node, rootHash);
    }
}
