package org.jgroups.abcast.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build rule that keeps the core pure: no JGroups, no threads or concurrency, no clock, no file system or network.
 * It reads the sources, so a forbidden import or call anywhere in the package fails the build.
 */
class CorePurityTest {
    private static final Path CORE = Path.of("src/main/java/org/jgroups/abcast/core");

    private static final List<Pattern> FORBIDDEN = List.of(
        Pattern.compile("import\\s+org\\.jgroups\\.(?!abcast\\.core)"),
        Pattern.compile("\\borg\\.jgroups\\.(?!abcast\\.core)[a-z]"),
        Pattern.compile("import\\s+java\\.(io|net|nio\\.file|nio\\.channels|util\\.concurrent)\\b"),
        Pattern.compile("\\bjava\\.(io|net|nio\\.file|nio\\.channels|util\\.concurrent)\\."),
        Pattern.compile("\\b(Thread|Executor|ExecutorService|Timer|CompletableFuture)\\b"),
        Pattern.compile("\\bsynchronized\\b"),
        Pattern.compile("System\\.(currentTimeMillis|nanoTime|getProperty|getenv)"),
        Pattern.compile("\\b(Instant|LocalDateTime|Clock)\\.now"),
        Pattern.compile("\\bMath\\.random\\b"),
        Pattern.compile("new\\s+Random\\(\\s*\\)") // an unseeded Random would make runs irreproducible
    );

    @Test
    void theCoreDependsOnNothingButTheJdkBasics() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(CORE)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() >= 10, "expected the core sources under " + CORE.toAbsolutePath());
        List<String> offences = new ArrayList<>();
        for (Path src : sources) {
            List<String> lines = Files.readAllLines(src);
            for (int i = 0; i < lines.size(); i++) {
                String line = stripComment(lines.get(i));
                for (Pattern p : FORBIDDEN)
                    if (p.matcher(line).find()) offences.add(src.getFileName() + ":" + (i + 1) + ": " + line.trim());
            }
        }
        assertEquals(List.of(), offences, "the core must stay pure (no JGroups, threads, clock or I/O)");
    }

    @Test
    void theRuleItselfRecognisesForbiddenCode() {
        // Guard against a rule that can never fire.
        List<String> bad = List.of("import org.jgroups.Message;", "import java.nio.file.Path;",
                                   "new Thread(r).start();", "long t = System.nanoTime();", "Random r = new Random();",
                                   "import java.util.concurrent.Future;");
        for (String line : bad)
            assertTrue(FORBIDDEN.stream().anyMatch(p -> p.matcher(line).find()), "rule misses: " + line);
        assertTrue(FORBIDDEN.stream().noneMatch(p -> p.matcher("import org.jgroups.abcast.core.Entry;").find()));
    }

    private static String stripComment(String line) {
        String t = line.trim();
        if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) return "";
        int c = line.indexOf("//");
        return c >= 0 ? line.substring(0, c) : line;
    }
}
