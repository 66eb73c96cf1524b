// bench/loop-bench: CPU per proxied GET on the upstream leg — one IOLoop + LoopCurlMulti against
// today's NIO loop + curl driver thread, alternating, same process, same upstream.
//
//   swift build -c release --product jwtgate-loop-bench
//   .build/release/jwtgate-loop-bench URL [CONCURRENCY=50] [SECONDS=5] [ROUNDS=3] [UPSTREAM_PID]
import JWTGateServer

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: jwtgate-loop-bench URL [CONCURRENCY] [SECONDS] [ROUNDS] [UPSTREAM_PID]")
    exit(2)
}
let url = arguments[1]
let concurrency = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
let seconds = arguments.count > 3 ? Double(arguments[3]) ?? 5 : 5
let rounds = arguments.count > 4 ? Int(arguments[4]) ?? 3 : 3
let upstreamPID = arguments.count > 5 ? Int32(arguments[5]) : nil
print("GET \(url), \(concurrency) in flight, \(seconds) s per run, \(rounds) rounds")
for round in 1...rounds {
    let loop = try await LoopUpstreamBench.runLoop(url: url, concurrency: concurrency, warmUp: 1, seconds: seconds, upstreamPID: upstreamPID)
    print("round \(round) \(loop)")
    let driver = try await LoopUpstreamBench.runDriver(url: url, concurrency: concurrency, warmUp: 1, seconds: seconds, upstreamPID: upstreamPID)
    print("round \(round) \(driver)")
}
