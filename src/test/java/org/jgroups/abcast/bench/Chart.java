package org.jgroups.abcast.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * chart.png: for each cluster size one row of three grouped bar charts over the payload sizes, one bar per system,
 * log scale: throughput (msgs/s per member), p50 latency with one message in flight, p99 latency at 50% load.
 */
final class Chart {
    private static final Color[] COLORS = {new Color(0x8c8c8c), new Color(0x4e79a7), new Color(0xf28e2b),
                                           new Color(0xe15759), new Color(0x59a14f)};
    private static final int PANEL_W = 560, PANEL_H = 330, LEGEND_H = 50;

    private Chart() {
    }

    static void write(Path file, List<Result> results, BenchConfig cfg) throws IOException {
        List<SystemKind> systems = cfg.systems;
        int rows = cfg.members.size();
        int w = 3 * PANEL_W, h = rows * PANEL_H + LEGEND_H;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        for (int row = 0; row < rows; row++) {
            int n = cfg.members.get(row);
            panel(g, 0, row * PANEL_H, "throughput, msgs/s per member (" + n + " members)", results, systems, cfg.sizes, n,
                  Result::msgsPerSecPerMember, "%.0f");
            panel(g, PANEL_W, row * PANEL_H, "p50 latency ms, 1 in flight (" + n + " members)", results, systems,
                  cfg.sizes, n, r -> r.lat1()[0], "%.2f");
            panel(g, 2 * PANEL_W, row * PANEL_H, "p99 latency ms, 50% load (" + n + " members)", results, systems,
                  cfg.sizes, n, r -> r.load()[1], "%.2f");
        }
        int x = 20, y = rows * PANEL_H + 28;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int i = 0; i < systems.size(); i++) {
            g.setColor(COLORS[systems.get(i).ordinal() % COLORS.length]);
            g.fillRect(x, y - 12, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(systems.get(i).id, x + 20, y);
            x += 40 + g.getFontMetrics().stringWidth(systems.get(i).id);
        }
        g.drawString("log scales; missing bar = not measured", x + 30, y);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int y0, String title, List<Result> results, List<SystemKind> systems,
                              List<Integer> sizes, int members, ToDoubleFunction<Result> value, String fmt) {
        int left = x0 + 60, right = x0 + PANEL_W - 15, top = y0 + 80, bottom = y0 + PANEL_H - 40; // room for labels
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x0 + 15, y0 + 22);
        List<Double> vals = new ArrayList<>();
        for (Result r : results)
            if (r.members() == members) {
                double v = value.applyAsDouble(r);
                if (v > 0 && !Double.isNaN(v)) vals.add(v);
            }
        if (vals.isEmpty()) {
            g.drawString("no data", left + 20, (top + bottom) / 2);
            return;
        }
        double lo = Math.floor(Math.log10(vals.stream().mapToDouble(d -> d).min().getAsDouble()));
        double hi = Math.ceil(Math.log10(vals.stream().mapToDouble(d -> d).max().getAsDouble()));
        if (hi <= lo) hi = lo + 1;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        for (double e = lo; e <= hi; e++) {
            int y = (int) (bottom - (e - lo) / (hi - lo) * (bottom - top));
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = e >= 0 ? String.format("%.0f", Math.pow(10, e)) : String.valueOf(Math.pow(10, e));
            g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        int groupW = (right - left) / sizes.size();
        int barW = Math.max(4, (groupW - 20) / systems.size());
        for (int gi = 0; gi < sizes.size(); gi++) {
            int gx = left + gi * groupW + 10;
            String label = Report.size(sizes.get(gi));
            g.setColor(Color.BLACK);
            g.drawString(label, gx + (groupW - 20) / 2 - fm.stringWidth(label) / 2, bottom + 16);
            for (int si = 0; si < systems.size(); si++) {
                Result r = find(results, systems.get(si), members, sizes.get(gi));
                if (r == null) continue;
                double v = value.applyAsDouble(r);
                if (!(v > 0)) continue;
                int bh = (int) Math.max(1, (Math.log10(v) - lo) / (hi - lo) * (bottom - top));
                int bx = gx + si * barW;
                g.setColor(COLORS[systems.get(si).ordinal() % COLORS.length]);
                g.fillRect(bx, bottom - bh, barW - 2, bh);
                if (barW >= 18) {
                    g.setColor(Color.DARK_GRAY);
                    String t = String.format(java.util.Locale.ROOT, fmt, v);
                    Graphics2D g2 = (Graphics2D) g.create();
                    g2.rotate(-Math.PI / 2, bx + barW / 2.0 + 4, bottom - bh - 4);
                    g2.drawString(t, bx + barW / 2 + 4, bottom - bh - 4);
                    g2.dispose();
                }
            }
        }
    }

    private static Result find(List<Result> results, SystemKind k, int members, int size) {
        for (Result r : results)
            if (r.system() == k && r.members() == members && r.size() == size) return r;
        return null;
    }
}
