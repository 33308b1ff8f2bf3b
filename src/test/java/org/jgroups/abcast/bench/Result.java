package org.jgroups.abcast.bench;

import java.util.List;

/**
 * The figures of one workload (system, members, payload size), each the median over the repetitions.
 *
 * @param msgsPerSecPerMember messages delivered per second at each member (all senders together), averaged over the
 *                            members, median over the repetitions
 * @param throughputReps      that figure for each repetition
 * @param lat1                own-delivery latency p50, p99, p99.9 (ms) with one message in flight per member
 * @param loadRatePerSender   offered rate per sending member in the load phase (msgs/s)
 * @param load                own-delivery latency p50, p99, p99.9 (ms) at that rate
 * @param atThroughput        own-delivery latency p50, p99, p99.9 (ms) in the throughput phase (full windows)
 * @param problem             null if every check passed, else what failed
 */
record Result(SystemKind system, int members, int size, int reps, double msgsPerSecPerMember,
              List<Double> throughputReps, double[] lat1, double loadRatePerSender, double[] load,
              double[] atThroughput, String problem) {

    double mbPerSec() {
        return msgsPerSecPerMember * size / 1e6;
    }

    boolean ok() {
        return problem == null;
    }

    static Result failed(SystemKind system, int members, int size, String problem) {
        double[] nan = {Double.NaN, Double.NaN, Double.NaN};
        return new Result(system, members, size, 0, Double.NaN, List.of(), nan, Double.NaN, nan, nan, problem);
    }
}
