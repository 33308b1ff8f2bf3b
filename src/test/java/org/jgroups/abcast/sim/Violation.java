package org.jgroups.abcast.sim;

/** A broken guarantee: {@code property} names it, {@code detail} says who, where and what, for diagnosing a seed. */
public record Violation(String property, String detail) {
    @Override
    public String toString() {
        return property + ": " + detail;
    }
}
