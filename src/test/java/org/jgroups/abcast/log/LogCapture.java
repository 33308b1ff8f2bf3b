package org.jgroups.abcast.log;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Captures what this package logs at INFO and above (through JGroups' log facade, backed by log4j2). */
final class LogCapture implements AutoCloseable {
    private static final String PACKAGE = LogCapture.class.getPackageName();

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender;

    LogCapture() {
        appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                lines.add(e.getLevel() + " " + e.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        LoggerConfig lc = new LoggerConfig(PACKAGE, Level.INFO, false);
        lc.addAppender(appender, null, null);
        config.addLogger(PACKAGE, lc);
        context.updateLoggers();
    }

    List<String> warnings() {
        return at("WARN");
    }

    List<String> at(String level) {
        return lines.stream().filter(l -> l.startsWith(level + " ")).toList();
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(PACKAGE);
        context.updateLoggers();
        appender.stop();
    }
}
