#if canImport(Glibc)
import Glibc
#endif

/// What `stat(2)` says about a database file: enough to notice that the file at a path was replaced or
/// rewritten by anyone, in any way, since a connection opened it.
///
/// SQLite's own check is not enough. In rollback-journal mode a connection keeps its page cache while 16 header
/// bytes (the change counter, page count and freelist) are unchanged; a file copied over the live one in place
/// (`cp new db.sqlite3`: same inode) can carry exactly those bytes, and the connection then serves cached rows
/// of a database that no longer exists. In WAL mode the cache is validated against the `-shm` index, which a
/// copy does not touch at all. `SQLITE_FCNTL_HAS_MOVED` only sees a new inode (`mv`). Writes through SQLite
/// (a Django `UPDATE`, a migration, `.restore`) are caught by SQLite itself; this identity catches the rest.
///
/// - `st_dev`/`st_ino`: `mv`, or delete and recreate.
/// - `st_size`, `st_mtim`: a rewrite in place. `cp -p` sets `st_mtim` back to the source's, so also
/// - `st_ctim`: set by the kernel on every write, truncate, `utimensat` or rename, and not settable by anyone.
///
/// One `stat` costs well under a microsecond and is taken once per lookup, which `users.cache_ttl` already
/// keeps off the hot path. The alternatives cost more and catch less: reopening before every lookup costs a
/// schema parse (~0.15 ms), hashing the file grows with it, and `PRAGMA data_version` is the same change
/// counter SQLite already checks.
struct DatabaseFileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Timestamp
    let changed: Timestamp

    /// Seconds and nanoseconds since the epoch, as file timestamps and `CLOCK_REALTIME` give them.
    struct Timestamp: Comparable, Sendable {
        let seconds: Int64
        let nanoseconds: Int64

        init(_ time: timespec) {
            seconds = Int64(time.tv_sec)
            nanoseconds = Int64(time.tv_nsec)
        }

        init(seconds: Int64, nanoseconds: Int64) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }

        /// The wall clock the kernel stamps files with.
        static var now: Timestamp {
            var time = timespec()
            clock_gettime(CLOCK_REALTIME, &time)
            return Timestamp(time)
        }

        static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
            (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
        }

        func adding(_ duration: Duration) -> Timestamp {
            let (seconds, attoseconds) = duration.components
            let total = nanoseconds + attoseconds / 1_000_000_000
            return Timestamp(seconds: self.seconds + seconds + total / 1_000_000_000, nanoseconds: total % 1_000_000_000)
        }
    }

    /// The identity of the file at `path` now, or nil when it cannot be `stat`ed (missing for a moment
    /// during a replacement, or a folder made unreadable).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Timestamp(info.st_mtim)
        changed = Timestamp(info.st_ctim)
    }

    /// True when this identity, taken at `now`, will tell any later change apart by its timestamps: the file
    /// was last changed at least `granularity` before. A change within the same timestamp tick as the last
    /// one leaves `st_ctim` (and possibly everything else) unchanged; file systems stamp with a coarse clock
    /// (a kernel tick of 1–10 ms on Linux before 6.13; whole seconds on ext3 with 128-byte inodes and HFS+, two
    /// on FAT). Git has the same problem with its index ("racy git") and solves it the same way.
    func isSettled(at now: Timestamp, granularity: Duration) -> Bool {
        changed.adding(granularity) <= now
    }
}
