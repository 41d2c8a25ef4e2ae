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

    /** Where the shared MERGE statements live: one file per target, included by the loads (see {@link #compose}). */
    public static final String MERGE_DIR = "sql/redshift/merge/";

    private static final java.util.regex.Pattern INCLUDE = java.util.regex.Pattern.compile("(?m)^\\$\\{merge_([a-z_]+)\\}[ \\t]*$");

    /**
     * A load script with its includes resolved: each line {@code ${merge_<name>}} becomes the text of
     * {@code sql/redshift/merge/<name>.sql}, the one copy of that MERGE. Terraform renders the Step Functions load
     * (load/athena_result.sql) with templatefile() and the same files, so both load paths run the same statement.
     */
    public static String compose(String script) {
        java.util.regex.Matcher m = INCLUDE.matcher(script);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(resource(MERGE_DIR + m.group(1) + ".sql").strip()));
        }
        m.appendTail(out);
        String composed = out.toString();
        int stray = composed.indexOf("${");
        if (stray >= 0) {
            throw new IllegalStateException("SQL script has an unresolved ${...} that is not a whole-line ${merge_<name>} include: "
                    + composed.substring(stray, Math.min(composed.length(), stray + 40)));
        }
        return composed;
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
