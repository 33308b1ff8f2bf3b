package org.jgroups.protocols.abcast;

import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.StateTransferException;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JChannel.getState() with ABCAST and RECOVERY, consistent with the total order: the requester's application gets
 * setState(state at index i) and then exactly the messages i + 1, i + 2, ... (no gap, no duplicate).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StateTransferTest extends ChannelTestBase {

    /**
     * A plain JGroups application whose state is the list of every message text it received, in order. It also keeps
     * the ABCAST index of every message it received, and the index of the state it installed.
     */
    static class ListApp implements Receiver {
        final List<String> state = new ArrayList<>();
        final List<Long> indices = new ArrayList<>();
        final List<Long> indicesAfterSetState = new ArrayList<>();
        volatile boolean stateInstalled;
        volatile int received;

        @Override
        public void receive(Message msg) {
            synchronized (state) {
                state.add(new String(msg.getArray(), msg.getOffset(), msg.getLength()));
                indices.add(ABCAST.indexOf(msg));
                if (stateInstalled) indicesAfterSetState.add(ABCAST.indexOf(msg));
                received++;
            }
        }

        @Override
        public void getState(OutputStream out) throws Exception {
            DataOutputStream d = new DataOutputStream(out);
            synchronized (state) {
                d.writeInt(state.size());
                for (String s : state) d.writeUTF(s);
                d.writeLong(indices.isEmpty() ? 0 : indices.get(indices.size() - 1));
            }
            d.flush();
        }

        @Override
        public void setState(InputStream in) throws Exception {
            DataInputStream d = new DataInputStream(in);
            synchronized (state) {
                state.clear(); // the state replaces whatever was received before getState()
                for (int n = d.readInt(); n > 0; n--) state.add(d.readUTF());
                indices.clear();
                indices.add(d.readLong()); // the last index the state reflects
                stateInstalled = true;
            }
        }

        List<String> list() {
            synchronized (state) {
                return new ArrayList<>(state);
            }
        }

        long stateIndex() {
            synchronized (state) {
                return indices.get(0);
            }
        }

        List<Long> afterSetState() {
            synchronized (state) {
                return new ArrayList<>(indicesAfterSetState);
            }
        }
    }

    /** An application that does not implement getState/setState (JGroups' defaults throw). */
    static class StatelessApp implements Receiver {
        @Override
        public void receive(Message msg) {
        }
    }

    private JChannel start(String name, Receiver app) throws Exception {
        JChannel ch = TestChannels.create(name, root.resolve(name), "A,B,C");
        ABCAST.find(ch).fsync(false);
        ch.setReceiver(app);
        ch.connect(cluster);
        channels.add(ch);
        return ch;
    }

    /**
     * A fourth member, started once the others are up; returns once its view holds them all (JChannel.getState() asks
     * the coordinator, and returns at once without a state when the caller is the coordinator, e.g. still alone in a
     * view of its own on a busy machine).
     */
    private JChannel startJoiner(String name, Receiver app) throws Exception {
        JChannel ch = start(name, app);
        TestChannels.waitFor(name + " sees the others", 20_000, () -> ch.getView().size() >= 4);
        return ch;
    }

    private JChannel startThreeVoters(Receiver a, Receiver b, Receiver c) throws Exception {
        JChannel chA = start("A", a);
        start("B", b);
        start("C", c);
        TestChannels.waitFor("three voters", 20_000, () -> ABCAST.find(chA).voters().split(",").length == 3);
        return chA;
    }

    /**
     * Sends from ch until stopped (at most 20,000 messages), counting what was sent; it yields the CPU for a moment every
     * 20 messages so that traffic keeps flowing while the other members join and transfer state.
     */
    private static Thread traffic(JChannel ch, String prefix, AtomicBoolean stop, AtomicInteger sent) {
        Thread t = new Thread(() -> {
            while (!stop.get() && sent.get() < 20_000) {
                try {
                    ch.send(null, (prefix + sent.get()).getBytes());
                    if (sent.incrementAndGet() % 20 == 0) Thread.sleep(1);
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.start();
        return t;
    }

    private static void assertIncreasingAfter(long stateIndex, List<Long> delivered) {
        // Indices have gaps only where the log holds internal entries (no-ops, configurations), never messages.
        long prev = stateIndex;
        for (long i : delivered) {
            assertTrue(i > prev, "indices increase after the state: " + prev + " then " + i);
            prev = i;
        }
        if (!delivered.isEmpty()) assertTrue(delivered.get(0) > stateIndex, "nothing at or below the state's index");
    }

    @Test
    void aJoinerThatGetsTheStateWhileTrafficFlowsEndsWithTheSameStateAsEveryone() throws Exception {
        ListApp a = new ListApp(), b = new ListApp(), c = new ListApp();
        JChannel chA = startThreeVoters(a, b, c);
        for (int i = 0; i < 200; i++) chA.send(null, ("before-" + i).getBytes());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread load = traffic(chA, "during-", stop, sent);
        TestChannels.waitFor("some traffic", 20_000, () -> sent.get() > 100);

        ListApp d = new ListApp();
        JChannel chD = startJoiner("D", d);
        chD.getState(null, 20_000); // the usual JGroups pattern: connect, then getState
        assertTrue(d.stateInstalled);
        int sentAtState = sent.get();
        TestChannels.waitFor("more traffic after the state", 20_000, () -> sent.get() > sentAtState + 300);
        stop.set(true);
        load.join();

        int total = 200 + sent.get();
        TestChannels.waitFor("every message everywhere", 60_000, () -> a.list().size() == total && b.list().size() == total
                                                                       && d.list().size() == total);
        assertEquals(a.list(), d.list(), "state at index i, then i+1, i+2, ...: the same list as the others'");
        assertEquals(a.list(), b.list());
        assertIncreasingAfter(d.stateIndex(), d.afterSetState());
        assertTrue(d.afterSetState().size() >= 300, "D received the messages after the state one by one");
        System.out.printf("state-transfer-test: D installed the %s; %d messages in all%n",
                          chD.getProtocolStack().findProtocol(RECOVERY.class) instanceof RECOVERY r
                              ? r.getLastStateTransfer() : "?", total);
    }

    @Test
    void getStateFromAGivenTargetReflectsThatMembersDeliveryPoint() throws Exception {
        ListApp a = new ListApp(), b = new ListApp(), c = new ListApp();
        JChannel chA = startThreeVoters(a, b, c);
        for (int i = 0; i < 300; i++) chA.send(null, ("m" + i).getBytes());
        JChannel chC = channels.stream().filter(x -> "C".equals(x.getName())).findFirst().orElseThrow();
        TestChannels.waitFor("C delivered everything", 20_000, () -> c.list().size() == 300);

        ListApp d = new ListApp();
        JChannel chD = startJoiner("D", d);
        Address target = chC.getAddress();
        chD.getState(target, 20_000);
        assertTrue(d.stateInstalled);
        RECOVERY atC = chC.getProtocolStack().findProtocol(RECOVERY.class);
        assertEquals(1, atC.getStatesServed(), "the target served the state");
        chA.send(null, "after".getBytes());
        TestChannels.waitFor("D and A got the next message", 20_000,
                             () -> d.list().size() == 301 && a.list().size() == 301);
        assertEquals(a.list().subList(0, 301), d.list());
        assertEquals("after", d.list().get(300));
    }

    @Test
    void aStateOfManyChunksArrivesWhole() throws Exception {
        ListApp a = new ListApp(), b = new ListApp(), c = new ListApp();
        JChannel chA = startThreeVoters(a, b, c);
        String big = "x".repeat(60_000);
        int n = 150; // about 9 MB of state: 9 chunks of chunk_size (1 MB)
        for (int i = 0; i < n; i++) chA.send(null, (i + big).getBytes());
        TestChannels.waitFor("A delivered everything", 30_000, () -> a.list().size() == n);
        ListApp d = new ListApp();
        JChannel chD = startJoiner("D", d);
        long t0 = System.nanoTime();
        chD.getState(chA.getAddress(), 30_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(a.list(), d.list());
        RECOVERY r = chD.getProtocolStack().findProtocol(RECOVERY.class);
        System.out.printf("state-transfer-test: getState took %d ms for the %s%n", ms, r.getLastStateTransfer());
    }

    @Test
    void getStateFromAMemberWhoseApplicationHasNoStateFailsWithTheReason() throws Exception {
        JChannel chA = startThreeVoters(new StatelessApp(), new StatelessApp(), new StatelessApp());
        chA.send(null, "x".getBytes());
        ListApp d = new ListApp();
        JChannel chD = startJoiner("D", d);
        StateTransferException e = assertThrows(StateTransferException.class, () -> chD.getState(chA.getAddress(), 10_000));
        String why = String.valueOf(e.getCause());
        assertTrue(why.contains("cannot provide its state"), why);
        // delivery goes on where it paused: D still receives every message
        chA.send(null, "y".getBytes());
        TestChannels.waitFor("D still receives", 20_000, () -> d.list().contains("y"));
        assertEquals(List.of("x", "y"), d.list());
    }

    @Test
    void getStateFromAMemberWithoutTheRecoveryLayerTimesOutWithTheReason() throws Exception {
        ListApp a = new ListApp();
        JChannel chA = startThreeVoters(a, new ListApp(), new ListApp());
        ListApp d = new ListApp();
        JChannel chD = startJoiner("D", d);
        // a plain channel in another cluster-less role: an address that never answers state requests
        JChannel outsider = new JChannel(TestChannels.LOCAL_STACK).name("X");
        outsider.getProtocolStack().removeProtocol(RECOVERY.class);
        outsider.getProtocolStack().removeProtocol(ABCAST.class);
        outsider.connect(cluster);
        channels.add(outsider);
        TestChannels.waitFor("X in D's view", 20_000, () -> chD.getView().containsMember(outsider.getAddress()));
        StateTransferException e = assertThrows(StateTransferException.class,
                                                () -> chD.getState(outsider.getAddress(), 2_000));
        String why = String.valueOf(e.getCause());
        assertTrue(why.contains("no state from"), why);
        chA.send(null, "still delivered".getBytes());
        TestChannels.waitFor("D still receives", 20_000, () -> d.list().contains("still delivered"));
        Util.close(outsider);
    }
}
