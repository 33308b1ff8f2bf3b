package org.jgroups.abcast.bench;

/** ABCAST members: a plain channel over stacks/abcast-tcp.xml. */
final class AbcastSupport {
    private AbcastSupport() {
    }

    static MemberSystem channelSystem(String stack, String name, String cluster, int members) {
        return new ChannelSystem(stack, name, cluster, members, null, null);
    }
}
