import JWTGateCore
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reloads the TLS listeners' certificates when their files change (`server.certificate_watch_interval`),
/// for certificate managers that replace files without signalling the process: cert-manager's mounted
/// Secrets, an ACME client without a deploy hook. A change must hold still for one more check before it is
/// read, so a pair written in two steps is never loaded half-new. What loads is what SIGHUP would load:
/// the certificate review first, then all listeners' contexts or none.
final class CertificateWatcher: Sendable {
    private struct State {
        var lastCheck: ContinuousClock.Instant?
        /// What the files looked like when the running certificates were loaded.
        var loaded: [String]?
        /// A change seen at the last check, not yet read.
        var pending: [String]?
    }

    private let state = Mutex(State())

    /// Called every second by the gateway; checks the files when `interval` has passed.
    func check(config: GatewayConfig, server: LoopGatewayServer, metrics: GatewayMetrics, logger: Logger,
               now: ContinuousClock.Instant = .now) {
        let interval = config.server.certificateWatchInterval
        guard interval > .zero, config.server.listen.contains(where: { $0.tls != nil }) else { return }
        let due = state.withLock { state -> Bool in
            if let last = state.lastCheck, now - last < interval { return false }
            state.lastCheck = now
            return true
        }
        guard due else { return }
        let seen = Self.fingerprint(config.server.listen)
        let action = state.withLock { state -> Bool in
            guard let loaded = state.loaded else {
                state.loaded = seen
                return false
            }
            if seen == loaded {
                state.pending = nil
                return false
            }
            if state.pending != seen {
                state.pending = seen  // changed: read it at the next check if it stays as it is
                return false
            }
            return true
        }
        guard action else { return }
        let problems = TLSCertificateReview.errors(for: config)
        do {
            guard problems.isEmpty else {
                throw StartupError(problems.map(\.description).joined(separator: "; "))
            }
            try server.reloadTLS(config.server.listen, metrics: metrics, logger: logger)
            logger.notice("tls.certificates.reloaded", metadata: ["reason": "files changed"])
        } catch {
            metrics.reloadFailures.increment()
            logger.error("tls.certificates.reload.failed", metadata: [
                "reason": "files changed", "problems": "\(error)", "kept": "the running certificates",
            ])
        }
        // Either way this state of the files has been dealt with: a broken pair is not retried every
        // interval (nor logged again) until the files change once more.
        state.withLock { state in
            state.loaded = seen
            state.pending = nil
        }
    }

    /// The running certificates were (re)loaded from the files as they are now (start, SIGHUP).
    func loaded(_ listen: [ListenAddress]) {
        let seen = Self.fingerprint(listen)
        state.withLock { state in
            state.loaded = seen
            state.pending = nil
        }
    }

    /// Device, inode, size and modification time of every file a TLS listener reads (a symlink is
    /// followed: Kubernetes swaps a `..data` link when a Secret changes).
    static func fingerprint(_ listen: [ListenAddress]) -> [String] {
        var files: [String] = []
        for address in listen {
            guard let tls = address.tls else { continue }
            for pair in tls.certificates { files += [pair.certFile, pair.keyFile] }
            if let ca = tls.clientCAFile { files.append(ca) }
        }
        return files.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return "\(path): missing" }
            return "\(path): \(info.st_dev)/\(info.st_ino)/\(info.st_size)/\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
    }
}
