using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Admission.Tls;

/// <summary>
/// The serving certificate from mounted PEM files (a Kubernetes Secret, cert-manager), reloaded when they
/// change, without a restart. Secret volumes swap a symlinked directory, which file watchers report unreliably,
/// so a directory watch is backed by a periodic check of the files' content. A failed reload (half-written
/// files) keeps the last good certificate.
/// </summary>
public sealed partial class CertificateReloader : IDisposable
{
    private readonly string _certFile;
    private readonly string _keyFile;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _poll;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private byte[] _fingerprint;

    public CertificateReloader(string certFile, string keyFile, ILogger<CertificateReloader> logger, TimeSpan? pollInterval = null)
    {
        _certFile = Path.GetFullPath(certFile);
        _keyFile = Path.GetFullPath(keyFile);
        _logger = logger;
        // The first load must succeed: starting without a certificate would only move the failure to the first handshake.
        (_current, _fingerprint) = Load();
        foreach (var directory in new[] { Path.GetDirectoryName(_certFile)!, Path.GetDirectoryName(_keyFile)! }.Distinct(StringComparer.Ordinal))
        {
            var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, EnableRaisingEvents = true };
            watcher.Changed += (_, _) => Reload();
            watcher.Created += (_, _) => Reload();
            watcher.Renamed += (_, _) => Reload();
            _watchers.Add(watcher);
        }
        var interval = pollInterval ?? TimeSpan.FromSeconds(30);
        _poll = new Timer(_ => Reload(), null, interval, interval);
    }

    /// <summary>The certificate to present (Kestrel's ServerCertificateSelector).</summary>
    public X509Certificate2 Current => Volatile.Read(ref _current);

    /// <summary>Reloads when the files' content changed; returns true when a new certificate was installed.</summary>
    public bool Reload()
    {
        lock (_gate)
        {
            try
            {
                if (Fingerprint().AsSpan().SequenceEqual(_fingerprint)) return false;
                var (certificate, fingerprint) = Load();
                Volatile.Write(ref _current, certificate);
                _fingerprint = fingerprint;
                LogReloaded(_logger, certificate.Subject, certificate.NotAfter);
                // The previous certificate may still be in use by handshakes in flight; it is left to the GC.
                return true;
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
            {
                LogReloadFailed(_logger, ex, _certFile);
                return false;
            }
        }
    }

    public void Dispose()
    {
        _poll.Dispose();
        foreach (var watcher in _watchers) watcher.Dispose();
    }

    private (X509Certificate2, byte[]) Load()
    {
        var fingerprint = Fingerprint();
        var certificate = X509Certificate2.CreateFromPemFile(_certFile, _keyFile);
        return (certificate, fingerprint);
    }

    private byte[] Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(_certFile));
        hash.AppendData(File.ReadAllBytes(_keyFile));
        return hash.GetHashAndReset();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving certificate loaded: {Subject}, valid until {NotAfter:O}")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the serving certificate from {CertFile}; keeping the current one")]
    private static partial void LogReloadFailed(ILogger logger, Exception ex, string certFile);
}
