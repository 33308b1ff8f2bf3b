package org.jgroups.abcast.bench;

import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.MessageBatch;

import java.util.function.Function;

/**
 * A system that is a plain JChannel: the application sends with {@code JChannel.send} and receives with a
 * {@link Receiver}, whatever the stack orders (plain, SEQUENCER, ABCAST).
 */
final class ChannelSystem implements MemberSystem {
    private final String stackFile, name, cluster;
    private final int members;
    private final Function<JChannel, String> extraReadiness;
    private final Function<JChannel, String> stats;
    private JChannel channel;

    ChannelSystem(String stackFile, String name, String cluster, int members, Function<JChannel, String> extraReadiness,
                  Function<JChannel, String> stats) {
        this.stackFile = stackFile;
        this.name = name;
        this.cluster = cluster;
        this.members = members;
        this.extraReadiness = extraReadiness;
        this.stats = stats;
    }

    @Override
    public void start(Sink sink) throws Exception {
        channel = new JChannel(stackFile);
        channel.setName(name);
        channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                sink.deliver(msg.getArray(), msg.getOffset(), msg.getLength());
            }

            @Override
            public void receive(MessageBatch batch) {
                for (Message msg : batch) sink.deliver(msg.getArray(), msg.getOffset(), msg.getLength());
            }
        });
        channel.connect(cluster);
    }

    @Override
    public String notReadyReason() {
        View v = channel.getView();
        if (v == null || v.size() < members) return "view " + v + " has fewer than " + members + " members";
        return extraReadiness == null ? null : extraReadiness.apply(channel);
    }

    @Override
    public void send(byte[] payload) throws Exception {
        channel.send(new BytesMessage(null, payload));
    }

    @Override
    public String stats() {
        return stats == null ? "" : stats.apply(channel);
    }

    @Override
    public void close() {
        if (channel != null) channel.close();
    }
}
