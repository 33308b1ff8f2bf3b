package org.jgroups.abcast.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Class paths of the member JVMs, from files Maven writes at process-test-resources (pom.xml): the project's test
 * class path (main) and jgroups-raft with its own JGroups (raft). Independent of how the coordinator was started
 * (exec:java's java.class.path is Maven's own).
 */
record ClassPaths(String main, String raft, Path raftLib) {
    static ClassPaths locate(Path basedir) throws IOException {
        Path target = basedir.resolve("target");
        Path cpFile = target.resolve("bench-classpath.txt"), raftLib = target.resolve("bench-raft-lib");
        if (!Files.exists(cpFile) || !Files.isDirectory(raftLib))
            throw new IOException(cpFile + " or " + raftLib + " missing: run 'mvn test-compile' in " + basedir + " first");
        String deps = Files.readString(cpFile).trim();
        String tests = target.resolve("test-classes").toString(), classes = target.resolve("classes").toString();
        String main = tests + File.pathSeparator + classes + (deps.isEmpty() ? "" : File.pathSeparator + deps);
        String raft;
        try (var jars = Files.list(raftLib)) {
            raft = tests + File.pathSeparator
                + jars.filter(p -> p.toString().endsWith(".jar")).sorted().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        }
        return new ClassPaths(main, raft, raftLib);
    }
}
