#!/usr/bin/env bash
# Side-by-side benchmark: plain multicast, SEQUENCER, jgroups-raft, ABCAST (fsync on/off). See docs/benchmarks.md.
# Arguments go to org.jgroups.abcast.bench.BenchMain, e.g. --smoke, --members=3 --sizes=1024, --jfr=abcast-fsync.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.jgroups.abcast.bench.BenchMain "$@"
