"""fuzz/differential TARGET [--max N]: the Swift target in verdict mode and the Python reference
(oracle.py) over the seed corpus and, when present, the fuzzer's generated corpus; every input on which
they disagree is reported and copied to artifacts/differential/TARGET/. Exit status 1 on any
disagreement that is not a known difference (oracle.KNOWN_DIFFERENCES).
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from fuzzcommon import FUZZ_DIR, fnv1a64
from oracle import known_difference, verdict

TARGETS = ("json", "jwt-hmac", "jwt-rsa", "jwt-ec", "cookies", "password")
BATCH = 500


def inputs(target, limit):
    files = []
    for folder in ("corpus", "generated"):
        files += sorted(p for p in glob.glob(os.path.join(FUZZ_DIR, folder, target, "*")) if os.path.isfile(p))
    return files[:limit] if limit else files


def swift_verdicts(target, snapshot):
    """hash -> verdict line, from the target binary run over the snapshot's files (libFuzzer runs each once)."""
    binary = os.path.join(FUZZ_DIR, ".build", "release", target)
    env = dict(os.environ, JWTGATE_FUZZ_VERDICTS="1", SWIFT_BACKTRACE="enable=no")
    files = sorted(os.path.join(snapshot, name) for name in os.listdir(snapshot))
    found = {}
    for start in range(0, len(files), BATCH):
        run = subprocess.run([binary, "-timeout=30", "-rss_limit_mb=2048"] + files[start:start + BATCH],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if run.returncode != 0:
            sys.stderr.write(run.stderr.decode("utf-8", "replace")[-4000:])
            raise SystemExit("the %s target crashed during the differential run (exit %d)" % (target, run.returncode))
        for line in run.stdout.decode("utf-8", "surrogateescape").splitlines():
            digest, _, text = line.partition(" ")
            found[digest] = text
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--max", type=int, default=0, help="compare at most this many inputs")
    args = parser.parse_args()

    files = inputs(args.target, args.max)
    # A snapshot: a fuzzer running meanwhile replaces files in generated/, and libFuzzer treats its
    # arguments as corpus folders as soon as one of them is not a regular file.
    contents = {}
    for path in files:
        try:
            contents[path] = open(path, "rb").read()
        except FileNotFoundError:
            pass
    files = sorted(contents)
    with tempfile.TemporaryDirectory(prefix="jwtgate-differential-") as snapshot:
        for data in contents.values():
            with open(os.path.join(snapshot, fnv1a64(data)), "wb") as fh:
                fh.write(data)
        swift = swift_verdicts(args.target, snapshot)
    out_dir = os.path.join(FUZZ_DIR, "artifacts", "differential", args.target)
    mismatches = expected = unreferenced = 0
    for path in files:
        data = contents[path]
        digest = fnv1a64(data)
        ours = swift.get(digest, "<no verdict>")
        theirs = verdict(args.target, data, ours)
        if theirs is None:
            unreferenced += 1
            continue
        if ours == theirs:
            continue
        reason = known_difference(args.target, data, ours)
        label = "KNOWN (%s)" % reason if reason else "MISMATCH"
        if reason:
            expected += 1
        else:
            mismatches += 1
            os.makedirs(out_dir, exist_ok=True)
            shutil.copy(path, out_dir)
        print("%s %s [%s]\n  input:   %r\n  jwtgate: %s\n  python:  %s"
              % (label, os.path.relpath(path, FUZZ_DIR), digest, data[:300], ours[:300], theirs[:300]))
    print("%s: %d inputs compared, %d mismatches, %d known differences, %d without a reference verdict"
          % (args.target, len(files) - unreferenced, mismatches, expected, unreferenced))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
