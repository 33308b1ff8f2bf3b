package org.jgroups.abcast.demo;

import java.io.PrintStream;

/**
 * The chat as plain lines, for {@code --batch} and for input that is not a terminal. One line per event:
 * <pre>
 *   #12 A: hello                 a live line (global index, sender, text)
 *   [history] #7 B: hi           a replayed line from before this member started
 *   #13 *** C joined             / *** C left
 *   --- live: 5 lines of history replayed (up to #12) ---
 *   * leader: B (term 3)         information, command output
 *   ! not sent yet: ...          problems
 * </pre>
 */
public final class PlainOutput implements ChatNode.Output {
    private final PrintStream out;

    public PlainOutput(PrintStream out) {
        this.out = out;
    }

    static String format(ChatNode.Line l) {
        String body = switch (l.kind()) {
            case TEXT -> l.sender() + ": " + l.text();
            case JOINED -> "*** " + l.sender() + " joined";
            case LEFT -> "*** " + l.sender() + " left";
        };
        return "#" + l.index() + " " + body;
    }

    static String liveBanner(long historyLines, long lastHistoryIndex) {
        return historyLines == 0 ? "live (no earlier chat lines)"
            : "live: " + historyLines + (historyLines == 1 ? " line" : " lines") + " of history replayed (up to #"
              + lastHistoryIndex + ")";
    }

    @Override
    public synchronized void line(ChatNode.Line l) {
        out.println((l.history() ? "[history] " : "") + format(l));
        out.flush();
    }

    @Override
    public synchronized void live(long historyLines, long lastHistoryIndex) {
        out.println("--- " + liveBanner(historyLines, lastHistoryIndex) + " ---");
        out.flush();
    }

    @Override
    public synchronized void info(String text) {
        out.println("* " + text);
        out.flush();
    }

    @Override
    public synchronized void error(String text) {
        out.println("! " + text);
        out.flush();
    }
}
