package io.tributary.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A .sql resource split into statements: full-line {@code --} comments removed, statements end with ';' at a line end. */
public final class SqlScript {

    private SqlScript() {
    }

    /** The text of a classpath resource (e.g. {@code sql/redshift/bootstrap.sql}). */
    public static String resource(String path) {
        try (InputStream in = SqlScript.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + path + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + path, e);
        }
    }

    /** Statements of a script, rendered for a dialect, without their trailing ';'. */
    public static List<String> statements(String script, SqlDialect dialect) {
        StringBuilder current = new StringBuilder();
        List<String> out = new ArrayList<>();
        for (String line : dialect.render(script).split("\\R")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            String stripped = line.stripTrailing();
            if (stripped.endsWith(";")) {
                current.append(stripped, 0, stripped.length() - 1);
                add(out, current);
            } else {
                current.append(line).append('\n');
            }
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder current) {
        String s = current.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        current.setLength(0);
    }
}
