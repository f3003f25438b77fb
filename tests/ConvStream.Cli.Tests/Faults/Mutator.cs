using System.Text;

namespace ConvStream.Cli.Tests.Faults;

/// <summary>
/// Seeded mutations of real sample files for the fuzz tests: byte flips, insertions, deletions,
/// truncation and chunk duplication for binary files; for text (JSON, headers), numbers replaced
/// by extreme values (0, −1, 2^31−1, 2^63, 1e309, NaN), characters deleted or inserted, and
/// quotes or brackets broken. The same seed gives the same mutant.
/// </summary>
internal static class Mutator
{
    private static readonly string[] ExtremeNumbers =
        ["0", "-1", "2147483647", "2147483648", "-2147483648", "9223372036854775808", "1e309", "-0", "0.5", "NaN", "100000", "1000000000", "1e-320", "\"\"", "null", "[]", "{}", "true"];

    private static readonly string[] Junk = ["\"", "{", "}", "[", "]", ",", ":", "\\", "\0", "é", "\u202e", "//", "/*", "\n", " ", "%", "../"];

    public static byte[] Bytes(byte[] seed, Random rng)
    {
        var b = new List<byte>(seed);
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            int at = rng.Next(b.Count);
            switch (rng.Next(6))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = (byte)rng.Next(256); break;
                case 2: b.Insert(at, (byte)rng.Next(256)); break;
                case 3: b.RemoveAt(at); break;
                case 4: b.RemoveRange(at, b.Count - at); break; // truncate
                default:
                    int len = Math.Min(1 + rng.Next(32), b.Count - at);
                    b.InsertRange(at, b.GetRange(at, len)); // duplicate a run
                    break;
            }
        }
        return [.. b];
    }

    /// <summary>Mutates only the first <paramref name="headerLength"/> bytes (a header), keeping the rest.</summary>
    public static byte[] Header(byte[] seed, int headerLength, Random rng)
    {
        int n = Math.Min(headerLength, seed.Length);
        var head = rng.Next(3) == 0 ? Encoding.Latin1.GetBytes(Text(Encoding.Latin1.GetString(seed, 0, n), rng)) : Bytes(seed[..n], rng);
        return [.. head, .. seed[n..]];
    }

    public static string Text(string seed, Random rng)
    {
        var sb = new StringBuilder(seed);
        int edits = 1 + rng.Next(3);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            switch (rng.Next(4))
            {
                case 0:
                case 1:
                    // Replace a number (or a word) with an extreme value.
                    var numbers = System.Text.RegularExpressions.Regex.Matches(sb.ToString(), @"-?\d+(\.\d+)?|true|false");
                    if (numbers.Count == 0) goto case 2;
                    var m = numbers[rng.Next(numbers.Count)];
                    sb.Remove(m.Index, m.Length).Insert(m.Index, ExtremeNumbers[rng.Next(ExtremeNumbers.Length)]);
                    break;
                case 2:
                    sb.Insert(rng.Next(sb.Length), Junk[rng.Next(Junk.Length)]);
                    break;
                default:
                    int at = rng.Next(sb.Length);
                    sb.Remove(at, Math.Min(1 + rng.Next(8), sb.Length - at));
                    break;
            }
        }
        return sb.ToString();
    }
}
