using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StateSave.Iscsi.Negotiation;
using StateSave.Target.Configuration;

namespace StateSave.Target.Security;

/// <summary>
/// The target side of CHAP in the security negotiation stage (RFC 7143 §12.1.3, RFC 1994): offers MD5,
/// challenges the initiator, checks its response, and answers the initiator's challenge for mutual CHAP.
/// Feed it the CHAP_* pairs of each Login Request; it returns the pairs to answer with.
/// </summary>
internal sealed class ChapAuthenticator(ChapOptions credentials)
{
    /// <summary>CHAP_A value for MD5 (RFC 1994, the only algorithm RFC 7143 requires).</summary>
    public const string Md5Algorithm = "5";

    /// <summary>The challenge length: RFC 7143 §12.1.3 asks for challenges at least as long as the hash (16 bytes).</summary>
    private const int ChallengeLength = 16;

    private byte _identifier;
    private byte[] _challenge = [];
    private State _state = State.WaitingForAlgorithms;

    private enum State
    {
        WaitingForAlgorithms,
        WaitingForResponse,
        Authenticated,
    }

    /// <summary>Whether the initiator has proved its identity (and the target answered its challenge when asked).</summary>
    public bool IsAuthenticated => _state == State.Authenticated;

    /// <summary>Processes the CHAP_* pairs of one request.</summary>
    /// <returns>The pairs to send, or a failure reason (the login ends with status 0201h, authentication failure).</returns>
    public (IReadOnlyList<TextKeyValue> Answer, string? Failure) Process(IReadOnlyList<TextKeyValue> pairs)
    {
        Dictionary<string, string> received = new(StringComparer.Ordinal);
        foreach (TextKeyValue pair in pairs)
        {
            received[pair.Key] = pair.Value;
        }

        switch (_state)
        {
            case State.WaitingForAlgorithms:
                if (!received.TryGetValue(TextKeyNames.ChapA, out string? algorithms))
                {
                    return ([], received.Count == 0 ? null : "CHAP keys arrived before CHAP_A");
                }

                if (!algorithms.Split(',').Contains(Md5Algorithm, StringComparer.Ordinal))
                {
                    return ([new(TextKeyNames.ChapA, TextKeyNames.Reject)], $"CHAP_A={algorithms} offers no algorithm this target supports (MD5 = 5)");
                }

                _identifier = (byte)RandomNumberGenerator.GetInt32(256);
                _challenge = RandomNumberGenerator.GetBytes(ChallengeLength);
                _state = State.WaitingForResponse;
                return ([
                    new(TextKeyNames.ChapA, Md5Algorithm),
                    new(TextKeyNames.ChapI, _identifier.ToString(CultureInfo.InvariantCulture)),
                    new(TextKeyNames.ChapC, ChapBinary.EncodeHex(_challenge)),
                ], null);

            case State.WaitingForResponse:
                return CheckResponse(received);

            default:
                return ([], received.Count == 0 ? null : "CHAP keys arrived after authentication completed");
        }
    }

    private (IReadOnlyList<TextKeyValue> Answer, string? Failure) CheckResponse(Dictionary<string, string> received)
    {
        if (!received.TryGetValue(TextKeyNames.ChapN, out string? name) || !received.TryGetValue(TextKeyNames.ChapR, out string? response))
        {
            return ([], "CHAP_N and CHAP_R are required after the challenge");
        }

        if (!string.Equals(name, credentials.Username, StringComparison.Ordinal))
        {
            return ([], $"unknown CHAP name '{name}'");
        }

        if (!ChapBinary.TryDecode(response, out byte[] responseBytes)
            || !CryptographicOperations.FixedTimeEquals(responseBytes, Response(_identifier, credentials.Secret, _challenge)))
        {
            return ([], "the CHAP response does not match the secret");
        }

        bool hasIdentifier = received.TryGetValue(TextKeyNames.ChapI, out string? identifierText);
        bool hasChallenge = received.TryGetValue(TextKeyNames.ChapC, out string? challengeText);
        if (!hasIdentifier && !hasChallenge)
        {
            _state = State.Authenticated;
            return ([], null);
        }

        // Mutual CHAP: the initiator challenges the target.
        if (!hasIdentifier || !hasChallenge)
        {
            return ([], "mutual CHAP needs both CHAP_I and CHAP_C");
        }

        if (credentials.MutualUsername is null || credentials.MutualSecret is null)
        {
            return ([], "the initiator asked for mutual CHAP but the target has no mutual credentials");
        }

        if (!ChapBinary.TryParseIdentifier(identifierText!, out byte identifier)
            || !ChapBinary.TryDecode(challengeText!, out byte[] challenge) || challenge.Length == 0)
        {
            return ([], "malformed CHAP_I or CHAP_C from the initiator");
        }

        // RFC 7143 §12.1.3: a target MUST refuse a challenge identical to its own (a reflection attack).
        if (CryptographicOperations.FixedTimeEquals(challenge, _challenge))
        {
            return ([], "the initiator reflected the target's own challenge");
        }

        _state = State.Authenticated;
        return ([
            new(TextKeyNames.ChapN, credentials.MutualUsername),
            new(TextKeyNames.ChapR, ChapBinary.EncodeHex(Response(identifier, credentials.MutualSecret, challenge))),
        ], null);
    }

    /// <summary>RFC 1994 §4.1: MD5 over the identifier, the secret and the challenge.</summary>
    public static byte[] Response(byte identifier, string secret, ReadOnlySpan<byte> challenge)
    {
        int secretLength = Encoding.UTF8.GetByteCount(secret);
        byte[] input = new byte[1 + secretLength + challenge.Length];
        input[0] = identifier;
        Encoding.UTF8.GetBytes(secret, input.AsSpan(1));
        challenge.CopyTo(input.AsSpan(1 + secretLength));
#pragma warning disable CA5351 // CHAP (RFC 1994) is defined over MD5; RFC 7143 requires it.
        return MD5.HashData(input);
#pragma warning restore CA5351
    }
}
