package org.jgroups.abcast.bench;

/** One member of one benchmarked system, inside a member process. */
interface MemberSystem extends AutoCloseable {
    /** Where the system hands each delivered message (possibly on several threads). */
    interface Sink {
        void deliver(byte[] buf, int off, int len);

        /** For systems that complete a member's own message otherwise than by delivering it there. */
        default void ownCompleted(long sendNanos) {
        }
    }

    /**
     * Whether a member's own message is complete when it is delivered at that member (the default), or when the
     * system reports it through {@link Sink#ownCompleted} (jgroups-raft: when the future of setAsync completes).
     */
    default boolean completesOnOwnDelivery() {
        return true;
    }

    /** Joins the cluster; deliveries go to {@code sink} from now on. */
    void start(Sink sink) throws Exception;

    /** Null when this member is ready to be measured, else what it still waits for. */
    String notReadyReason();

    /** Sends one message to the whole cluster; may block (flow control, full windows). */
    void send(byte[] payload) throws Exception;

    /** Counters worth printing after a run (system specific), as key=value words; empty if none. */
    default String stats() {
        return "";
    }

    @Override
    void close();
}
