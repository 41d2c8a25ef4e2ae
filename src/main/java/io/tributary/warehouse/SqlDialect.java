package io.tributary.warehouse;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the one warehouse DDL source for Redshift or for the PostgreSQL stand-in: text inside
 * {@code /*redshift: ... *}{@code /} is kept only for Redshift, text inside {@code /*postgresql: ... *}{@code /} only for
 * PostgreSQL (see src/main/resources/sql/redshift/README.md).
 */
public enum SqlDialect {
    REDSHIFT("redshift"),
    POSTGRESQL("postgresql");

    private static final Pattern MARKED = Pattern.compile("/\\*(redshift|postgresql):(.*?)\\*/", Pattern.DOTALL);

    private final String id;

    SqlDialect(String id) {
        this.id = id;
    }

    /** The dialect named by {@code tributary.redshift.dialect}; fails naming the property on anything else. */
    public static SqlDialect of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (SqlDialect d : values()) {
            if (d.id.equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException("tributary.redshift.dialect must be 'redshift' or 'postgresql', not '" + name + "'");
    }

    public String id() {
        return id;
    }

    /** The SQL with this dialect's marked clauses unwrapped and the other dialect's removed. */
    public String render(String sql) {
        Matcher m = MARKED.matcher(sql);
        StringBuilder out = new StringBuilder(sql.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1).equals(id) ? m.group(2).trim() : ""));
        }
        m.appendTail(out);
        return out.toString();
    }
}
