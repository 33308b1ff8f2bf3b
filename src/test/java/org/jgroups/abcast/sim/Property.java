package org.jgroups.abcast.sim;

/** The guarantees the checker judges; {@link #label} is the name that appears in {@link Violation#property()}. */
enum Property {
    VALIDITY("validity"),
    UNIFORM_AGREEMENT("uniform-agreement"),
    DURABILITY("durability"),
    UNIFORM_INTEGRITY("uniform-integrity"),
    UNIFORM_TOTAL_ORDER("uniform-total-order"),
    SINGLE_LEADER_PER_TERM("single-leader-per-term"),
    LOG_MATCHING("log-matching"),
    LEADER_COMPLETENESS("leader-completeness");

    final String label;

    Property(String label) {
        this.label = label;
    }
}
