/// Upper bounds on the work factors read from a stored hash. A hash beyond them never verifies, so a
/// corrupt or hostile `password` column cannot pin a core for hours or exhaust memory.
/// Each bound leaves ample room above Django's current defaults (spec §7.2).
enum PasswordHashLimits {
    /// Django 6.1 uses 1,500,000; 100M takes about 40 s.
    static let maxPBKDF2Iterations = 100_000_000
    /// Argon2 memory in KiB (4 GiB). Django uses 102,400 KiB.
    static let maxArgon2MemoryKiB: UInt64 = 4 * 1024 * 1024
    /// Argon2 passes. Django uses 2.
    static let maxArgon2Iterations: UInt64 = 1_000
    /// Argon2 lanes. Django uses 8.
    static let maxArgon2Parallelism: UInt64 = 1_024
    /// Memory × passes in KiB (16 GiB processed, 80 × Django's 100 MiB × 2).
    static let maxArgon2Work: UInt64 = 16 * 1024 * 1024
    /// bcrypt log2 rounds. Django uses 12; every step doubles the time (18 ≈ 64 × the default).
    static let maxBCryptCost = 18
    /// scrypt memory in bytes, 128·r·(N + p + 2). Django's N=16384, r=8 needs 16 MiB.
    static let maxScryptMemory: UInt64 = 1024 * 1024 * 1024
    /// scrypt N·r·p. Django 5.1+ uses 16384 · 8 · 5 = 655,360.
    static let maxScryptWork: UInt64 = 1 << 26
}
