package org.jgroups.protocols.abcast;

import org.jgroups.JChannel;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Per test: a fresh temp root for data directories and a unique cluster name; every channel closed afterwards. */
abstract class ChannelTestBase {
    protected final List<JChannel> channels = Collections.synchronizedList(new ArrayList<>());
    protected Path root;
    protected String cluster;

    @BeforeEach
    void createRootAndCluster() throws IOException {
        root = Files.createTempDirectory("abcast-" + getClass().getSimpleName());
        cluster = getClass().getSimpleName() + "-" + UUID.randomUUID().toStringLong().substring(0, 8);
    }

    @AfterEach
    void closeChannelsAndDeleteRoot() {
        beforeClose();
        TestChannels.closeAll(channels);
        TestChannels.deleteTree(root);
    }

    /** Hook run before the channels are closed. */
    protected void beforeClose() {
    }
}
