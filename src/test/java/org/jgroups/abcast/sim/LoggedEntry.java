package org.jgroups.abcast.sim;

/**
 * One entry of a member's replicated log. {@code content} is an application message id, or a string starting
 * with {@code '#'} for log-internal entries (no-ops, configuration) that are never delivered.
 */
public record LoggedEntry(long index, long term, String content) {}
