package org.jgroups.abcast.replica;

import static org.junit.jupiter.api.Assertions.fail;

/** Waiting for a condition in replica tests (the condition may throw, e.g. while listing files). */
final class ReplicaTestSupport {
    interface Condition {
        boolean holds() throws Exception;
    }

    private ReplicaTestSupport() {
    }

    static void await(String what, long millis, Condition condition) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.holds()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
