package org.jgroups.abcast.core;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who votes and who only receives the log. Each member is recorded with the storage id of the data directory it had
 * when it was added: a member that comes back with an empty disk has a new storage id, so its votes and
 * acknowledgements no longer count until it is re-added (as a learner) and promoted. This is what keeps a member that
 * lost its log from helping to elect a leader or commit an entry as if it still had that log.
 *
 * <p>Immutable; iteration order is sorted so that every member computes the same thing.
 */
public final class Configuration {
    public static final Configuration EMPTY = new Configuration(Map.of(), Map.of());

    private final Map<String, String> voters;   // member id -> storage id
    private final Map<String, String> learners; // member id -> storage id

    public Configuration(Map<String, String> voters, Map<String, String> learners) {
        this.voters = Collections.unmodifiableMap(new TreeMap<>(voters));
        this.learners = Collections.unmodifiableMap(new TreeMap<>(learners));
        for (String m : this.voters.keySet())
            if (this.learners.containsKey(m))
                throw new IllegalArgumentException("member " + m + " is both voter and learner");
    }

    public static Configuration ofVoters(Map<String, String> voters) {
        return new Configuration(voters, Map.of());
    }

    public Map<String, String> voters() {
        return voters;
    }

    public Map<String, String> learners() {
        return learners;
    }

    /** True if member votes in this configuration with exactly this storage. */
    public boolean isVoter(String member, String storageId) {
        String s = voters.get(member);
        return s != null && s.equals(storageId);
    }

    public boolean isLearner(String member, String storageId) {
        String s = learners.get(member);
        return s != null && s.equals(storageId);
    }

    public boolean contains(String member) {
        return voters.containsKey(member) || learners.containsKey(member);
    }

    /** The storage id recorded for member, or null if it is not in this configuration. */
    public String storageOf(String member) {
        String s = voters.get(member);
        return s != null ? s : learners.get(member);
    }

    /** Voters and learners: everyone the leader replicates to. */
    public Set<String> members() {
        Set<String> all = new TreeSet<>(voters.keySet());
        all.addAll(learners.keySet());
        return all;
    }

    public int quorum() {
        return voters.size() / 2 + 1;
    }

    public Configuration withLearner(String member, String storageId) {
        Map<String, String> v = new TreeMap<>(voters), l = new TreeMap<>(learners);
        v.remove(member);
        l.put(member, storageId);
        return new Configuration(v, l);
    }

    public Configuration withPromoted(String member) {
        String storage = learners.get(member);
        if (storage == null) throw new IllegalArgumentException(member + " is not a learner");
        Map<String, String> v = new TreeMap<>(voters), l = new TreeMap<>(learners);
        l.remove(member);
        v.put(member, storage);
        return new Configuration(v, l);
    }

    public Configuration without(String member) {
        Map<String, String> v = new TreeMap<>(voters), l = new TreeMap<>(learners);
        v.remove(member);
        l.remove(member);
        return new Configuration(v, l);
    }

    public byte[] encode() {
        Codec.Writer w = new Codec.Writer(64);
        writeMap(w, voters);
        writeMap(w, learners);
        return w.toByteArray();
    }

    public static Configuration decode(byte[] bytes) {
        Codec.Reader r = new Codec.Reader(bytes);
        Configuration c = new Configuration(readMap(r), readMap(r));
        r.expectEnd();
        return c;
    }

    private static void writeMap(Codec.Writer w, Map<String, String> map) {
        w.writeInt(map.size());
        map.forEach((k, v) -> w.writeString(k).writeString(v));
    }

    private static Map<String, String> readMap(Codec.Reader r) {
        int n = r.readInt();
        if (n < 0 || n > 100_000) throw new Codec.MalformedException("bad member count " + n);
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) m.put(r.readString(), r.readString());
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Configuration c && voters.equals(c.voters) && learners.equals(c.learners);
    }

    @Override
    public int hashCode() {
        return voters.hashCode() * 31 + learners.hashCode();
    }

    @Override
    public String toString() {
        return "voters=" + voters.keySet() + " learners=" + learners.keySet();
    }
}
