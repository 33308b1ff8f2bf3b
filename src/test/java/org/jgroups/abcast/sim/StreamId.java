package org.jgroups.abcast.sim;

/** One delivery stream: a single process life of a member. Printed as {@code member#life} in violation details. */
record StreamId(String member, int life) {
    @Override
    public String toString() {
        return member + "#" + life;
    }
}
