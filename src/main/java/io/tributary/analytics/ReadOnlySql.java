package io.tributary.analytics;

import java.util.Locale;
import java.util.Set;

/**
 * The query API's read-only check: one statement, starting with SELECT or WITH once comments are stripped, with no
 * data- or schema-changing keyword outside string literals and quoted identifiers. Athena runs the stripped text, so
 * what was checked is what runs. Athena's own IAM and workgroup settings remain the real boundary; this rejects early
 * and clearly.
 */
public final class ReadOnlySql {

    private static final Set<String> FORBIDDEN = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER",
            "TRUNCATE", "GRANT", "REVOKE", "UNLOAD", "MSCK", "CALL", "EXECUTE", "PREPARE", "DEALLOCATE", "VACUUM", "OPTIMIZE",
            "REPAIR", "SET", "RESET", "USE", "COMMIT", "ROLLBACK", "START");

    private ReadOnlySql() {
    }

    /** A rejected query; the message says why, for a 400 reply. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /** The query with comments and a trailing ';' removed, or Rejected with the reason. */
    public static String check(String sql, int maxLength) throws Rejected {
        if (sql == null || sql.isBlank()) {
            throw new Rejected("'sql' is required: a SELECT or WITH query");
        }
        if (sql.length() > maxLength) {
            throw new Rejected("the query is " + sql.length() + " characters, over the limit of " + maxLength);
        }
        String code = stripComments(sql).strip();
        while (code.endsWith(";")) {
            code = code.substring(0, code.length() - 1).strip();
        }
        if (code.isEmpty()) {
            throw new Rejected("the query is empty once comments are removed");
        }
        boolean firstChecked = false;
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(code, i, c);
                continue;
            }
            if (c == ';') {
                throw new Rejected("only one statement is allowed: remove the ';' in the middle of the query");
            }
            if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_')) {
                    i++;
                }
                String word = code.substring(start, i).toUpperCase(Locale.ROOT);
                if (!firstChecked) {
                    firstChecked = true;
                    if (!word.equals("SELECT") && !word.equals("WITH")) {
                        throw new Rejected("only read-only queries are allowed (SELECT or WITH); this one starts with " + word);
                    }
                } else if (FORBIDDEN.contains(word)) {
                    throw new Rejected("only read-only queries are allowed: '" + word + "' is not (quote it as \"" + word.toLowerCase(Locale.ROOT)
                            + "\" if it is a column name)");
                }
                continue;
            }
            if (!firstChecked && c != '(' && !Character.isWhitespace(c)) {
                throw new Rejected("only read-only queries are allowed (SELECT or WITH)");
            }
            i++;
        }
        if (!firstChecked) {
            throw new Rejected("only read-only queries are allowed (SELECT or WITH)");
        }
        return code;
    }

    /** Removes -- and block comments outside literals and quoted identifiers (a comment becomes one space). */
    static String stripComments(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                out.append(' ');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Index just past the quoted text starting at {@code start}; a doubled quote is an escaped quote. */
    private static int skipQuoted(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length(); // unterminated: Athena reports the syntax error
    }
}
