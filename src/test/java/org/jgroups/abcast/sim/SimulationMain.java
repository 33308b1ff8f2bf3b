package org.jgroups.abcast.sim;

import java.util.Set;

/**
 * Runs a few simulated clusters visibly: the main job until the demo chat exists. Usage: SimulationMain [firstSeed]
 * [count].
 */
public final class SimulationMain {
    public static void main(String[] args) {
        long first = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int bad = 0;
        for (long s = first; s < first + count; s++) {
            Simulation.Result r = new Simulation(s, Set.of()).run();
            System.out.println(r.summary() + " violations=" + r.violations().size());
            r.violations().stream().limit(5).forEach(v -> System.out.println("   " + v));
            if (!r.violations().isEmpty()) {
                bad++;
                System.out.print(r.finalState());
            }
        }
        System.out.println(bad == 0 ? "all seeds kept the guarantees" : bad + " seed(s) violated a guarantee");
        System.exit(bad == 0 ? 0 : 1);
    }
}
