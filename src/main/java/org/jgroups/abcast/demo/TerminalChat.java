package org.jgroups.abcast.demo;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.io.IOException;

/**
 * The chat on a terminal (JLine): a line editor with a prompt, and everything that arrives printed <em>above</em> the
 * line being typed ({@link LineReader#printAbove}), so incoming lines never garble the input. Replayed history is
 * dimmed between a header and a "live" banner. Ctrl-D and Ctrl-C leave like /quit. ASCII only, so that any locale
 * shows it right.
 */
final class TerminalChat implements ChatNode.Output, AutoCloseable {
    private static final int[] COLORS = {AttributedStyle.CYAN, AttributedStyle.MAGENTA, AttributedStyle.YELLOW,
        AttributedStyle.BLUE, AttributedStyle.RED};
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();

    private final Terminal terminal;
    private final LineReader reader;
    private final String me;
    private boolean historyHeaderShown;

    TerminalChat(String me) throws IOException {
        this.me = me;
        terminal = TerminalBuilder.builder().system(true).name("abcast-chat").build();
        reader = LineReaderBuilder.builder().terminal(terminal).appName("abcast-chat")
            .completer(new StringsCompleter(ChatNode.COMMANDS))
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // '!' is just a character in a chat
            .build();
    }

    /** Reads lines until /quit, Ctrl-D or Ctrl-C. */
    void run(ChatNode node) {
        String prompt = new AttributedStringBuilder().style(AttributedStyle.BOLD.foreground(AttributedStyle.GREEN))
            .append(me).style(AttributedStyle.DEFAULT).append("> ").toAnsi(terminal);
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException | EndOfFileException e) { // Ctrl-C, Ctrl-D
                return;
            }
            if (!node.input(line)) return;
        }
    }

    private void print(AttributedString s) {
        reader.printAbove(s);
    }

    private static AttributedStyle senderStyle(String sender, boolean own) {
        if (own) return AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
        return AttributedStyle.BOLD.foreground(COLORS[Math.floorMod(sender.hashCode(), COLORS.length)]);
    }

    @Override
    public synchronized void line(ChatNode.Line l) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (l.history()) {
            if (!historyHeaderShown) {
                historyHeaderShown = true;
                print(new AttributedString("---- history (replayed from this member's log) ----", DIM));
            }
            print(new AttributedString("  " + PlainOutput.format(l), DIM));
            return;
        }
        b.style(DIM).append(String.format("#%-4d ", l.index()));
        switch (l.kind()) {
            case TEXT -> b.style(senderStyle(l.sender(), l.own())).append(l.sender()).style(AttributedStyle.DEFAULT)
                .append(": ").append(l.text());
            case JOINED -> b.style(AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW))
                .append("*** " + l.sender() + " joined");
            case LEFT -> b.style(AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW))
                .append("*** " + l.sender() + " left");
        }
        print(b.toAttributedString());
    }

    @Override
    public synchronized void live(long historyLines, long lastHistoryIndex) {
        print(new AttributedString("---- " + PlainOutput.liveBanner(historyLines, lastHistoryIndex) + " ----",
                                   AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)));
    }

    @Override
    public synchronized void info(String text) {
        print(new AttributedString("* " + text, AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN)));
    }

    @Override
    public synchronized void error(String text) {
        print(new AttributedString("! " + text, AttributedStyle.BOLD.foreground(AttributedStyle.RED)));
    }

    @Override
    public void close() {
        try {
            terminal.close();
        } catch (IOException ignored) {
        }
    }
}
