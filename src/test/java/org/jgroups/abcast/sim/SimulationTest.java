package org.jgroups.abcast.sim;

import org.jgroups.abcast.core.UnsafeTestMutation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whole-cluster simulation against the independent checker. {@code -Dsim.seeds=N} runs more seeds,
 * {@code -Dsim.seed=S} replays one.
 */
class SimulationTest {
    /** Each broken variant must be caught within this many seeds. */
    private static final int MUTATION_SEED_BUDGET = 300;
    private static final long MUTATION_SEED_BASE = 7_000_000L;

    @Test
    void everySeedKeepsTheFourGuaranteesUnderFaultsOfEveryKind() throws Exception {
        String replay = System.getProperty("sim.seed", "");
        List<Long> seeds = new ArrayList<>();
        if (!replay.isBlank()) {
            seeds.add(Long.parseLong(replay.trim()));
        } else {
            int n = Integer.getInteger("sim.seeds", 2000);
            for (long s = 1; s <= n; s++) seeds.add(s);
        }
        List<Simulation.Result> results = runAll(seeds, Set.of());
        long steps = 0, faults = 0, violations = 0;
        Map<String, Long> kinds = new TreeMap<>();
        List<Simulation.Result> failed = new ArrayList<>();
        for (Simulation.Result r : results) {
            steps += r.steps();
            faults += r.faults();
            r.faultKinds().forEach((k, v) -> kinds.merge(k, v, Long::sum));
            violations += r.violations().size();
            if (!r.violations().isEmpty()) failed.add(r);
        }
        if (!replay.isBlank()) System.out.println("simulation replay: " + results.get(0).summary());
        System.out.printf("simulation: seeds=%d steps=%d faults=%d violations=%d%n", results.size(), steps, faults,
                          violations);
        System.out.println("simulation faults by kind: " + kinds);
        if (!failed.isEmpty()) {
            StringBuilder sb = new StringBuilder(failed.size() + " seed(s) violated a guarantee:\n");
            for (Simulation.Result r : failed.subList(0, Math.min(5, failed.size()))) {
                sb.append("  ").append(r.summary()).append('\n');
                r.violations().stream().limit(5).forEach(v -> sb.append("    ").append(v).append('\n'));
                sb.append("    replay: mvn test -Dtest=SimulationTest#everySeedKeepsTheFourGuaranteesUnderFaultsOfEveryKind -Dsim.seed=")
                    .append(r.seed()).append('\n');
            }
            fail(sb.toString());
        }
        if (replay.isBlank())
            for (String kind : List.of("crash", "torn-write", "disk-loss", "partition", "isolation", "loss", "duplicate",
                                       "reorder", "join", "removal", "leave", "snapshot-transfer",
                                       "bulk-catch-up", "bootstrap-by-first-member"))
                assertTrue(kinds.getOrDefault(kind, 0L) > 0, "no fault of kind " + kind + " was injected: " + kinds);
    }

    @ParameterizedTest
    @EnumSource(UnsafeTestMutation.class)
    void theCheckerCatchesEachDeliberatelyBrokenVariant(UnsafeTestMutation mutation) throws Exception {
        for (int k = 1; k <= MUTATION_SEED_BUDGET; k++) {
            Simulation.Result r = new Simulation(MUTATION_SEED_BASE + k, EnumSet.of(mutation)).run();
            // Only the checker counts here, not the engine's own assertions.
            var found = r.violations().stream().filter(v -> !v.property().equals("engine-invariant")).toList();
            if (!found.isEmpty()) {
                System.out.printf("mutation %s: caught after %d seeds (%s)%n", mutation.name().toLowerCase(), k,
                                  found.get(0).property());
                return;
            }
        }
        fail("mutation " + mutation + " was not caught within " + MUTATION_SEED_BUDGET + " seeds");
    }

    private static List<Simulation.Result> runAll(List<Long> seeds, Set<UnsafeTestMutation> mutations)
        throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<Simulation.Result>> futures = new ArrayList<>();
            for (long s : seeds) futures.add(pool.submit(() -> new Simulation(s, mutations).run()));
            List<Simulation.Result> out = new ArrayList<>();
            for (Future<Simulation.Result> f : futures) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
