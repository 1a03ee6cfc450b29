using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Discovery;
using StateSave.Initiator.Logging;
using StateSave.Initiator.Login;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator;

/// <summary>
/// The iSCSI initiator node: discovers targets (SendTargets), logs sessions in (following redirections) and opens
/// raw connections for conformance tests. One instance can run many sessions; each normal session to the same target
/// needs its own ISID (pass one to <see cref="LoginAsync"/>), since a second login with the same ISID reinstates
/// (replaces) the first.
/// </summary>
public sealed class IscsiInitiator
{
    private readonly IIscsiTransportConnector _transport;
    private readonly ILogger _logger;

    public IscsiInitiator(InitiatorOptions? options = null)
    {
        Options = options ?? new InitiatorOptions();
        _transport = Options.CreateTransport();
        _logger = Options.LoggerFactory.CreateLogger("StateSave.Initiator");
    }

    public InitiatorOptions Options { get; }

    /// <summary>Logs a normal session in to <paramref name="targetName"/> through <paramref name="portal"/>.</summary>
    /// <exception cref="IscsiLoginException">The target refused the login, or authentication failed.</exception>
    /// <exception cref="TransportException">The portal could not be reached.</exception>
    public Task<IscsiSession> LoginAsync(EndPoint portal, string targetName, Isid? isid = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        return LoginSessionAsync(portal, SessionType.Normal, targetName, isid ?? Options.Isid, cancellationToken);
    }

    /// <summary>Logs a discovery session in (SessionType=Discovery).</summary>
    public Task<IscsiSession> LoginDiscoveryAsync(EndPoint portal, CancellationToken cancellationToken = default) =>
        LoginSessionAsync(portal, SessionType.Discovery, null, DiscoveryIsid(Options.Isid), cancellationToken);

    /// <summary>Discovery in one call: a discovery session, SendTargets=All, logout.</summary>
    public async Task<IReadOnlyList<DiscoveredTarget>> DiscoverAsync(EndPoint portal, CancellationToken cancellationToken = default)
    {
        IscsiSession session = await LoginDiscoveryAsync(portal, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            return await session.SendTargetsAsync("All", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Logs in and hands over the connection as a <see cref="RawIscsiConnection"/>: nothing is answered or checked
    /// automatically; the caller sends any PDU (or bytes) and sees exactly what the target sends back.
    /// </summary>
    public async Task<RawIscsiConnection> ConnectRawAsync(EndPoint portal, string? targetName, Isid? isid = null, CancellationToken cancellationToken = default)
    {
        SessionType type = targetName is null ? SessionType.Discovery : SessionType.Normal;
        (IIscsiTransportConnection transport, LoginResult login, _) =
            await ConnectAndLoginAsync(portal, type, targetName, isid ?? Options.Isid, 0, cancellationToken).ConfigureAwait(false);
        return new RawIscsiConnection(transport, login);
    }

    private async Task<IscsiSession> LoginSessionAsync(EndPoint portal, SessionType type, string? targetName, Isid isid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portal);
        (IIscsiTransportConnection transport, LoginResult login, EndPoint reached) =
            await ConnectAndLoginAsync(portal, type, targetName, isid, 0, cancellationToken).ConfigureAwait(false);
        var session = new IscsiSession(this, type, targetName, login.Status == LoginStatus.TargetMovedPermanently ? reached : portal, isid);
        session.Attach(transport, login);
        return session;
    }

    /// <summary>
    /// Connects and logs in, following redirections (status class 1) up to <see cref="InitiatorOptions.MaxRedirects"/>.
    /// Returns the transport in the full feature phase, what the login settled, and the portal finally reached.
    /// </summary>
    internal async Task<(IIscsiTransportConnection Transport, LoginResult Login, EndPoint Reached)> ConnectAndLoginAsync(EndPoint portal,
        SessionType type, string? targetName, Isid isid, ushort tsih, CancellationToken cancellationToken)
    {
        EndPoint current = portal;
        bool permanent = false;
        for (int redirects = 0; ; redirects++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.LoginTimeout);
            IIscsiTransportConnection transport = await _transport.ConnectAsync(current, timeout.Token).ConfigureAwait(false);
            LoginResult login;
            try
            {
                var negotiator = new LoginNegotiator(transport, Options, type, targetName, isid, tsih, cid: 0, cmdSN: 1, itt: 0);
                login = await negotiator.RunAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
                InitiatorLog.LoginFailed(_logger, isid, targetName, current, error.Message);
                if (error is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    throw new IscsiLoginException(LoginStatus.InitiatorError, false, $"The login to {current} did not complete within {Options.LoginTimeout}.", error);
                }

                throw;
            }

            if (login.RedirectAddress is null)
            {
                if (Options.Chap is { } chap)
                {
                    InitiatorLog.ChapAuthenticated(_logger, targetName, chap.IsMutual);
                }

                InitiatorLog.LoginSucceeded(_logger, type, isid, login.Tsih, targetName, current, login.Parameters.HeaderDigest, login.Parameters.DataDigest,
                    login.Parameters.TargetMaxRecvDataSegmentLength, login.Parameters.MaxBurstLength, login.Parameters.FirstBurstLength,
                    login.Parameters.InitialR2T, login.Parameters.ImmediateData);
                return (transport, permanent ? login with { Status = LoginStatus.TargetMovedPermanently } : login, current);
            }

            await transport.DisposeAsync().ConfigureAwait(false);
            InitiatorLog.LoginRedirected(_logger, targetName, login.Status, current, login.RedirectAddress);
            if (redirects >= Options.MaxRedirects)
            {
                throw new IscsiLoginException(login.Status, true, $"More than {Options.MaxRedirects} login redirections.");
            }

            if (!TargetPortalAddress.TryParse(login.RedirectAddress, out TargetPortalAddress address))
            {
                throw new IscsiLoginException(login.Status, true, $"The redirection names an unusable TargetAddress '{login.RedirectAddress}'.");
            }

            permanent |= login.Status == LoginStatus.TargetMovedPermanently;
            current = Options.ResolveTargetAddress?.Invoke(address) ?? address.ToEndPoint();
        }
    }

    /// <summary>A discovery session gets its own ISID (qualifier changed) so that it never reinstates a normal session.</summary>
    private static Isid DiscoveryIsid(Isid isid) => new(isid.Value ^ 0x8000);
}
