using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Initiator.Configuration;

namespace StateSave.Initiator.Login;

/// <summary>
/// The initiator's half of CHAP (RFC 1994 as profiled by RFC 7143 §12.1.3): propose CHAP_A=5 (MD5), answer the
/// target's CHAP_I/CHAP_C with CHAP_N/CHAP_R, and in mutual CHAP send its own CHAP_I/CHAP_C and check the
/// target's CHAP_N/CHAP_R.
/// </summary>
internal sealed class ChapExchange(ChapCredentials credentials)
{
    public const string Md5Algorithm = "5";

    /// <summary>Longest challenge accepted from a target (RFC 7143 §12.1.3 allows up to 1024 bytes).</summary>
    public const int MaxChallengeLength = 1024;

    private const int ChallengeLength = 16;
    private const int RecentChallengesKept = 256;

    // Challenges this process sent recently: a target that hands one back is trying to make this initiator answer
    // its own challenge (a reflection attack; RFC 7143 §12.1.3, "the same CHAP_C ... MUST NOT be used").
    private static readonly ConcurrentQueue<string> s_recentChallenges = new();
    private static readonly ConcurrentDictionary<string, byte> s_recentChallengeSet = new(StringComparer.Ordinal);

    private byte _mutualIdentifier;
    private byte[] _mutualChallenge = [];

    public bool AwaitingTargetResponse { get; private set; }

    /// <summary>The first CHAP step: the algorithms offered.</summary>
    public static IReadOnlyList<TextKeyValue> AlgorithmOffer() => [new(TextKeyNames.ChapA, Md5Algorithm)];

    /// <summary>Answers the target's CHAP_A/CHAP_I/CHAP_C; throws <see cref="IscsiLoginException"/> when they are unusable.</summary>
    public IReadOnlyList<TextKeyValue> Respond(IReadOnlyList<TextKeyValue> received)
    {
        string? algorithm = Find(received, TextKeyNames.ChapA);
        string? identifierText = Find(received, TextKeyNames.ChapI);
        string? challengeText = Find(received, TextKeyNames.ChapC);
        if (algorithm != Md5Algorithm)
        {
            throw Failure($"The target chose CHAP_A={algorithm ?? "(nothing)"}; only 5 (MD5) was offered.");
        }

        if (identifierText is null || !TryParseIdentifier(identifierText, out byte identifier))
        {
            throw Failure($"The target sent no usable CHAP_I ({identifierText ?? "missing"}).");
        }

        if (challengeText is null || !TryDecodeBinary(challengeText, out byte[] challenge) || challenge.Length == 0
            || challenge.Length > MaxChallengeLength)
        {
            throw Failure("The target sent no usable CHAP_C.");
        }

        if (s_recentChallengeSet.ContainsKey(Convert.ToHexString(challenge)))
        {
            throw Failure("The target sent back a challenge this initiator issued (reflection); CHAP refused.");
        }

        var answer = new List<TextKeyValue>
        {
            new(TextKeyNames.ChapN, credentials.Username),
            new(TextKeyNames.ChapR, EncodeHex(Response(identifier, credentials.Secret, challenge))),
        };
        if (credentials.IsMutual)
        {
            _mutualIdentifier = (byte)RandomNumberGenerator.GetInt32(256);
            do
            {
                _mutualChallenge = RandomNumberGenerator.GetBytes(ChallengeLength);
            }
            while (_mutualChallenge.AsSpan().SequenceEqual(challenge));

            Remember(_mutualChallenge);
            answer.Add(new(TextKeyNames.ChapI, _mutualIdentifier.ToString(CultureInfo.InvariantCulture)));
            answer.Add(new(TextKeyNames.ChapC, EncodeHex(_mutualChallenge)));
            AwaitingTargetResponse = true;
        }

        return answer;
    }

    /// <summary>Checks the target's CHAP_N/CHAP_R in mutual CHAP.</summary>
    public void VerifyTarget(IReadOnlyList<TextKeyValue> received)
    {
        string? name = Find(received, TextKeyNames.ChapN);
        string? response = Find(received, TextKeyNames.ChapR);
        if (name is null || response is null)
        {
            throw Failure("Mutual CHAP: the target did not answer the initiator's challenge with CHAP_N and CHAP_R.");
        }

        if (credentials.MutualUsername is { } expected && !string.Equals(name, expected, StringComparison.Ordinal))
        {
            throw Failure($"Mutual CHAP: the target answered as '{name}', not '{expected}'.");
        }

        byte[] wanted = Response(_mutualIdentifier, credentials.MutualSecret!, _mutualChallenge);
        if (!TryDecodeBinary(response, out byte[] got) || !CryptographicOperations.FixedTimeEquals(got, wanted))
        {
            throw Failure("Mutual CHAP: the target's CHAP_R does not prove the mutual secret.");
        }

        AwaitingTargetResponse = false;
    }

    /// <summary>MD5 over identifier, secret and challenge (RFC 1994 §4.1).</summary>
    public static byte[] Response(byte identifier, string secret, ReadOnlySpan<byte> challenge)
    {
        int secretLength = Encoding.UTF8.GetByteCount(secret);
        byte[] input = new byte[1 + secretLength + challenge.Length];
        input[0] = identifier;
        Encoding.UTF8.GetBytes(secret, input.AsSpan(1));
        challenge.CopyTo(input.AsSpan(1 + secretLength));
#pragma warning disable CA5351 // CHAP is defined over MD5 (RFC 1994, RFC 7143 §12.1.3).
        return MD5.HashData(input);
#pragma warning restore CA5351
    }

    public static string EncodeHex(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>Decodes a binary value in hexadecimal (0x) or base64 (0b) notation (RFC 7143 §6.1).</summary>
    public static bool TryDecodeBinary(string value, out byte[] bytes)
    {
        bytes = [];
        if (value.Length < 3 || value.Length > (2 * MaxChallengeLength) + 2)
        {
            return false;
        }

        ReadOnlySpan<char> digits = value.AsSpan(2);
        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            string even = digits.Length % 2 == 0 ? digits.ToString() : "0" + digits.ToString();
            try
            {
                bytes = Convert.FromHexString(even);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        if (value.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
        {
            byte[] buffer = new byte[(digits.Length * 3 / 4) + 3];
            if (Convert.TryFromBase64Chars(digits, buffer, out int written))
            {
                bytes = buffer[..written];
                return true;
            }
        }

        return false;
    }

    private static bool TryParseIdentifier(string value, out byte identifier) =>
        value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? byte.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out identifier)
            : byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out identifier);

    private static void Remember(byte[] challenge)
    {
        string key = Convert.ToHexString(challenge);
        if (s_recentChallengeSet.TryAdd(key, 0))
        {
            s_recentChallenges.Enqueue(key);
        }

        while (s_recentChallenges.Count > RecentChallengesKept && s_recentChallenges.TryDequeue(out string? old))
        {
            s_recentChallengeSet.TryRemove(old, out _);
        }
    }

    private static string? Find(IReadOnlyList<TextKeyValue> pairs, string key)
    {
        for (int i = pairs.Count - 1; i >= 0; i--)
        {
            if (pairs[i].Key == key)
            {
                return pairs[i].Value;
            }
        }

        return null;
    }

    private static IscsiLoginException Failure(string message) => new(LoginStatus.AuthenticationFailure, false, message);
}
